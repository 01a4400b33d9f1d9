package packaging

import (
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
)

// Resource types (winuser.h).
const (
	RTIcon      = 3
	RTGroupIcon = 14
	RTVersion   = 16
	RTManifest  = 24
)

// PEInfo is what the packaging checks need from a Windows executable.
type PEInfo struct {
	Machine   uint16 // pe.IMAGE_FILE_MACHINE_AMD64 for x64
	Subsystem uint16 // pe.IMAGE_SUBSYSTEM_WINDOWS_GUI for a program without console
	PE32Plus  bool
	// Resources counts the resources of each type.
	Resources map[uint32]int
	// FileVersion is the fixed file version "a.b.c.d" of the version
	// resource ("" without one); Strings its StringFileInfo values.
	FileVersion string
	Strings     map[string]string
}

// ReadPE reads the header, the resource types and the version resource of
// the executable at path.
func ReadPE(path string) (*PEInfo, error) {
	f, err := pe.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	info := &PEInfo{Machine: f.Machine, Resources: map[uint32]int{}, Strings: map[string]string{}}
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader64:
		info.PE32Plus, info.Subsystem = true, oh.Subsystem
	case *pe.OptionalHeader32:
		info.Subsystem = oh.Subsystem
	}
	sec := f.Section(".rsrc")
	if sec == nil {
		return info, nil
	}
	data, err := sec.Data()
	if err != nil {
		return nil, fmt.Errorf("read %s resources: %w", path, err)
	}
	r := rsrc{data: data, rva: sec.VirtualAddress}
	types, err := r.dir(0)
	if err != nil {
		return nil, err
	}
	for _, t := range types {
		leaves, err := r.leaves(t.offset, 2)
		if err != nil {
			return nil, err
		}
		info.Resources[t.id] += len(leaves)
		if t.id == RTVersion && len(leaves) > 0 {
			if err := parseVersion(leaves[0], info); err != nil {
				return nil, fmt.Errorf("read %s version resource: %w", path, err)
			}
		}
	}
	return info, nil
}

type rsrc struct {
	data []byte
	rva  uint32
}

type rsrcEntry struct {
	id     uint32
	offset uint32 // of a subdirectory, or of a data entry when !sub
	sub    bool
}

var errBadResource = errors.New("resource section is damaged")

func (r rsrc) u16(off uint32) (uint16, error) {
	if int(off)+2 > len(r.data) {
		return 0, errBadResource
	}
	return binary.LittleEndian.Uint16(r.data[off:]), nil
}

func (r rsrc) u32(off uint32) (uint32, error) {
	if int(off)+4 > len(r.data) {
		return 0, errBadResource
	}
	return binary.LittleEndian.Uint32(r.data[off:]), nil
}

// dir reads IMAGE_RESOURCE_DIRECTORY at off and its entries.
func (r rsrc) dir(off uint32) ([]rsrcEntry, error) {
	named, err1 := r.u16(off + 12)
	ids, err2 := r.u16(off + 14)
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	var out []rsrcEntry
	for i := uint32(0); i < uint32(named)+uint32(ids); i++ {
		e := off + 16 + 8*i
		name, err1 := r.u32(e)
		to, err2 := r.u32(e + 4)
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		out = append(out, rsrcEntry{id: name, offset: to &^ (1 << 31), sub: to&(1<<31) != 0})
	}
	return out, nil
}

// leaves returns the data of every resource below the directory at off,
// depth levels down (name, then language).
func (r rsrc) leaves(off uint32, depth int) ([][]byte, error) {
	if depth < 0 {
		return nil, errBadResource
	}
	entries, err := r.dir(off)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for _, e := range entries {
		if e.sub {
			l, err := r.leaves(e.offset, depth-1)
			if err != nil {
				return nil, err
			}
			out = append(out, l...)
			continue
		}
		dataRVA, err1 := r.u32(e.offset)
		size, err2 := r.u32(e.offset + 4)
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		start := dataRVA - r.rva
		if dataRVA < r.rva || int(start)+int(size) > len(r.data) {
			return nil, errBadResource
		}
		out = append(out, r.data[start:start+size])
	}
	return out, nil
}

// parseVersion reads a VS_VERSIONINFO block: the fixed file version and the
// StringFileInfo strings.
func parseVersion(b []byte, info *PEInfo) error {
	root, _, err := versionNode(b)
	if err != nil {
		return err
	}
	if root.key != "VS_VERSION_INFO" {
		return fmt.Errorf("key %q is not VS_VERSION_INFO", root.key)
	}
	if len(root.value) >= 16 && binary.LittleEndian.Uint32(root.value) == 0xFEEF04BD {
		ms := binary.LittleEndian.Uint32(root.value[8:])
		ls := binary.LittleEndian.Uint32(root.value[12:])
		info.FileVersion = fmt.Sprintf("%d.%d.%d.%d", ms>>16, ms&0xffff, ls>>16, ls&0xffff)
	}
	for _, sfi := range root.children {
		if sfi.key != "StringFileInfo" {
			continue
		}
		for _, table := range sfi.children {
			for _, s := range table.children {
				info.Strings[s.key] = utf16String(s.value)
			}
		}
	}
	return nil
}

type vnode struct {
	key      string
	value    []byte
	children []vnode
}

// versionNode reads one node (wLength, wValueLength, wType, szKey, Value,
// Children, each 32-bit aligned) and returns it and its length.
func versionNode(b []byte) (vnode, int, error) {
	if len(b) < 6 {
		return vnode{}, 0, errBadResource
	}
	length := int(binary.LittleEndian.Uint16(b))
	valueLen := int(binary.LittleEndian.Uint16(b[2:]))
	text := binary.LittleEndian.Uint16(b[4:]) == 1
	if length < 6 || length > len(b) {
		return vnode{}, 0, errBadResource
	}
	b = b[:length]
	i := 6
	var key []uint16
	for ; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			i += 2
			break
		}
		key = append(key, c)
	}
	n := vnode{key: string(utf16.Decode(key))}
	i = align4(i)
	if text {
		valueLen *= 2 // in characters
	}
	if i+valueLen > len(b) {
		return vnode{}, 0, errBadResource
	}
	n.value = b[i : i+valueLen]
	i = align4(i + valueLen)
	for i < len(b) {
		c, l, err := versionNode(b[i:])
		if err != nil {
			return vnode{}, 0, err
		}
		n.children = append(n.children, c)
		i = align4(i + l)
	}
	return n, length, nil
}

func align4(i int) int { return (i + 3) &^ 3 }

func utf16String(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}
