//go:build !windows

package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// DefaultPolicyFile is where agency IT puts the machine policy on Linux.
const DefaultPolicyFile = "/etc/thucongvu/policy.json"

// LoadPolicy reads the machine policy from the JSON file named by
// THUCONGVU_POLICY, else /etc/thucongvu/policy.json: one object whose keys
// are PolicyKeys names, with strings, numbers, booleans, or arrays of
// strings (lines of a text, or check times). A missing file is no policy;
// a damaged one is an error, so that a typo never silently unlocks settings.
func LoadPolicy() (*Policy, error) {
	path := os.Getenv(PolicyEnv)
	if path == "" {
		path = DefaultPolicyFile
	}
	return loadPolicyFile(path)
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
