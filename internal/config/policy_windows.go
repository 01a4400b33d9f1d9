package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/windows/registry"
)

// LoadPolicy reads the machine policy from HKLM\SOFTWARE\Policies\ThuCongVu
// (set by Group Policy through the ADMX templates, or by the MSI's silent
// preset). A missing key is no policy. Strings may be REG_SZ, REG_EXPAND_SZ
// or REG_MULTI_SZ (lines); numbers and switches REG_DWORD or digits.
func LoadPolicy() (*Policy, error) {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, PolicyRegistryKey, registry.QUERY_VALUE|registry.WOW64_64KEY)
	if errors.Is(err, registry.ErrNotExist) {
		return &Policy{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read machine policy: %w", err)
	}
	defer k.Close()
	names, err := k.ReadValueNames(0)
	if err != nil {
		return nil, fmt.Errorf("read machine policy: %w", err)
	}
	values := make(map[string]string, len(names))
	var bad []string
	for _, n := range names {
		s, err := registryPolicyValue(k, n)
		if err != nil {
			bad = append(bad, fmt.Sprintf("policy %s: %v", n, err))
			continue
		}
		values[n] = s
	}
	p := policyFromValues(`HKLM\`+PolicyRegistryKey, values)
	p.Problems = append(p.Problems, bad...)
	return p, nil
}

func registryPolicyValue(k registry.Key, name string) (string, error) {
	_, typ, err := k.GetValue(name, nil)
	if err != nil {
		return "", err
	}
	switch typ {
	case registry.SZ, registry.EXPAND_SZ:
		s, _, err := k.GetStringValue(name)
		if err == nil && typ == registry.EXPAND_SZ {
			s, err = registry.ExpandString(s)
		}
		return s, err
	case registry.MULTI_SZ:
		lines, _, err := k.GetStringsValue(name)
		return strings.Join(lines, "\n"), err
	case registry.DWORD, registry.QWORD:
		n, _, err := k.GetIntegerValue(name)
		return strconv.FormatUint(n, 10), err
	}
	return "", fmt.Errorf("registry type %d not understood", typ)
}
