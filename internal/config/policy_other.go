//go:build !windows

package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// DefaultPolicyFile is where agency IT puts the machine policy on Linux.
const DefaultPolicyFile = "/etc/thucongvu/policy.json"

// LoadPolicy reads the machine policy from the JSON file named by
// THUCONGVU_POLICY, else /etc/thucongvu/policy.json: one object whose keys
// are PolicyKeys names, with strings, numbers, booleans, or arrays of
// strings (lines of a text, or check times). A missing file is no policy;
// a damaged one is an error, so that a typo never silently unlocks settings.
//
// THUCONGVU_POLICY is honoured only for a file ordinary users cannot write:
// owned by root, not writable by group or others, in a folder likewise
// (a sticky folder such as /tmp allowed). Otherwise it is ignored for
// /etc/thucongvu/policy.json, and Problems says why (doctor shows it).
func LoadPolicy() (*Policy, error) {
	path := os.Getenv(PolicyEnv)
	if path == "" {
		return loadPolicyFile(DefaultPolicyFile)
	}
	why := untrustedPolicy(path)
	if why == "" {
		return loadPolicyFile(path)
	}
	p, err := loadPolicyFile(DefaultPolicyFile)
	if err != nil {
		return nil, err
	}
	p.Problems = append([]string{fmt.Sprintf("%s=%s ignored: %s", PolicyEnv, path, why)}, p.Problems...)
	return p, nil
}

// untrustedPolicy says why ordinary users could write the policy file at
// path or replace it, or "" when only root can. A missing file is trusted:
// it sets nothing.
func untrustedPolicy(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err.Error()
	}
	fi, err := os.Stat(abs)
	if errors.Is(err, os.ErrNotExist) {
		return ""
	}
	if err != nil {
		return err.Error()
	}
	if why := rootOnly(fi, false); why != "" {
		return "the file " + why
	}
	dfi, err := os.Stat(filepath.Dir(abs))
	if err != nil {
		return err.Error()
	}
	if why := rootOnly(dfi, true); why != "" {
		return "its folder " + why
	}
	return ""
}

func rootOnly(fi os.FileInfo, dir bool) string {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 {
		return fmt.Sprintf("is owned by uid %d, not root", st.Uid)
	}
	if fi.Mode().Perm()&0o022 != 0 && !(dir && fi.Mode()&os.ModeSticky != 0) {
		return fmt.Sprintf("is writable by group or others (%v)", fi.Mode().Perm())
	}
	return ""
}

func loadPolicyFile(path string) (*Policy, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &Policy{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read machine policy: %w", err)
	}
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, fmt.Errorf("read machine policy: %s is damaged: %w", path, err)
	}
	values := make(map[string]string, len(obj))
	var bad []string
	for k, v := range obj {
		s, ok := jsonPolicyValue(v)
		if !ok {
			bad = append(bad, fmt.Sprintf("policy %s: value of type %T not understood", k, v))
			continue
		}
		values[k] = s
	}
	p := policyFromValues(path, values)
	p.Problems = append(p.Problems, bad...)
	return p, nil
}

// jsonPolicyValue turns a JSON value into the text form the registry would
// hold: numbers in decimal, booleans as 1/0, arrays as lines.
func jsonPolicyValue(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		if v {
			return "1", true
		}
		return "0", true
	case nil:
		return "", true
	case []any:
		lines := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return "", false
			}
			lines = append(lines, s)
		}
		return strings.Join(lines, "\n"), true
	}
	return "", false
}
