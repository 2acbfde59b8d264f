package device

import (
	"errors"
	"io/fs"
	"os"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// loadSerialRules reads the brand serial-number rules: the device's own
// file when there is one (an administrator's additions), else the
// built-in list (builtin). A file with a bad rule is refused with its position,
// rather than silently reading no dates.
func loadSerialRules(path string, builtin []byte) (scanner.SerialRules, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		data = builtin
	} else if err != nil {
		return nil, app.Errorf(app.EINTERNAL, "serial_rules.read", "Cannot read {{.Path}}. Check its permissions, or remove it to use the built-in rules.", "Path", path).WithCause(err)
	}
	rules, err := scanner.ParseSerialRules(data)
	if err != nil {
		return nil, app.Errorf(app.EINVALID, "serial_rules.bad_file", "{{.Path}} is not a valid serial-number rules file: {{.Error}} Correct it, or remove it to use the built-in rules.", "Path", path, "Error", err.Error()).WithCause(err)
	}
	return rules, nil
}
