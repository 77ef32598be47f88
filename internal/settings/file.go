package settings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// AppDir is the name of Order Bridge's folder inside the OS config and data folders.
const AppDir = "orderbridge"

// Locations says where Order Bridge keeps its files.
type Locations struct {
	SettingsFile string // the settings JSON file
	DataDir      string // the folder of the history database
	HistoryDB    string // DataDir/history.db
}

// Locate returns where the files live. With home set (--home or
// ORDERBRIDGE_HOME) everything is in that one folder; with home "" the
// settings go to os.UserConfigDir()/orderbridge and the history to the
// user's data folder: $XDG_DATA_HOME or ~/.local/share on Linux and BSD,
// %LocalAppData% on Windows, ~/Library/Application Support on macOS.
func Locate(home string) (Locations, error) {
	if home != "" {
		abs, err := filepath.Abs(home)
		if err != nil {
			return Locations{}, fmt.Errorf("settings: home folder %q: %w", home, err)
		}
		return locations(abs, abs), nil
	}
	cfg, err := os.UserConfigDir()
	if err != nil {
		return Locations{}, fmt.Errorf("settings: no config folder (use --home): %w", err)
	}
	data, err := dataDir(runtime.GOOS, os.Getenv)
	if err != nil {
		return Locations{}, err
	}
	return locations(filepath.Join(cfg, AppDir), filepath.Join(data, AppDir)), nil
}

func locations(cfgDir, dataDir string) Locations {
	return Locations{
		SettingsFile: filepath.Join(cfgDir, "settings.json"),
		DataDir:      dataDir,
		HistoryDB:    filepath.Join(dataDir, "history.db"),
	}
}

// dataDir is the OS's per-user data folder, as os.UserConfigDir is for config.
func dataDir(goos string, getenv func(string) string) (string, error) {
	var dir, what string
	switch goos {
	case "windows":
		dir, what = getenv("LocalAppData"), "%LocalAppData% is not set"
	case "darwin", "ios":
		if h := getenv("HOME"); h != "" {
			dir = filepath.Join(h, "Library", "Application Support")
		}
		what = "$HOME is not set"
	case "plan9":
		if h := getenv("home"); h != "" {
			dir = filepath.Join(h, "lib")
		}
		what = "$home is not set"
	default:
		// XDG: a relative $XDG_DATA_HOME is invalid and must be ignored.
		if x := getenv("XDG_DATA_HOME"); filepath.IsAbs(x) {
			dir = x
		} else if h := getenv("HOME"); h != "" {
			dir = filepath.Join(h, ".local", "share")
		}
		what = "neither $XDG_DATA_HOME nor $HOME is set"
	}
	if dir == "" {
		return "", fmt.Errorf("settings: no data folder (use --home): %s", what)
	}
	return dir, nil
}

// DamagedError is returned by Load for a settings file that cannot be read
// as settings. The file is left as it is; Reset keeps it aside.
type DamagedError struct {
	File    string
	Problem string // what is wrong, and where in the file
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("settings: %s is damaged: %s; fix the file, or reset the settings (the damaged file is then kept as %s.damaged-…)",
		e.File, e.Problem, filepath.Base(e.File))
}

// NewerVersionError is returned by Load for a file written by a newer Order
// Bridge, which this one cannot read without losing what it does not know.
type NewerVersionError struct {
	File      string
	Version   int // the file's
	Supported int // the highest this build reads
}

func (e *NewerVersionError) Error() string {
	return fmt.Sprintf("settings: %s was written by a newer Order Bridge (settings version %d; this one reads up to version %d): update Order Bridge",
		e.File, e.Version, e.Supported)
}

// Load reads the settings file. A missing file gives Defaults(); keys the
// file lacks keep their defaults. A damaged file is *DamagedError and a
// newer one *NewerVersionError; either way the file is not touched.
func Load(path string) (*Settings, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Defaults(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	return parse(path, data)
}

func parse(path string, data []byte) (*Settings, error) {
	damaged := func(format string, args ...any) error {
		return &DamagedError{File: path, Problem: fmt.Sprintf(format, args...)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, damaged("the file is empty")
	}
	var head struct {
		Version json.RawMessage `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, damaged("%s", jsonProblem(data, err))
	}
	if head.Version == nil {
		return nil, damaged("it has no \"version\"")
	}
	v, err := strconv.ParseInt(string(head.Version), 10, 0)
	if err != nil || v < 1 {
		return nil, damaged("\"version\" is %s, not a version number such as 1", head.Version)
	}
	if v > Version {
		return nil, &NewerVersionError{File: path, Version: int(v), Supported: Version}
	}
	if key := unknownKey(data); key != "" {
		return nil, damaged("%q is not a setting (misspelt, or from another program; `orderbridge config show` lists the settings)", key)
	}
	s := Defaults()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a misspelt key would otherwise be silently ignored
	if err := dec.Decode(s); err != nil {
		return nil, damaged("%s", jsonProblem(data, err))
	}
	if dec.More() {
		return nil, damaged("there is more after the settings object")
	}
	if s.Invoice.VATByCode == nil {
		s.Invoice.VATByCode = Defaults().Invoice.VATByCode
	}
	if err := s.Validate(); err != nil {
		var ve *ValueError
		if errors.As(err, &ve) {
			return nil, damaged("%s", strings.TrimPrefix(ve.Error(), "settings: "))
		}
		return nil, damaged("%v", err)
	}
	s.Version = Version
	return s, nil
}

// unknownKey returns the first dotted key in the file that is not a
// setting, or "" (also when the JSON cannot be read this way: the strict
// decode then says what is wrong).
func unknownKey(data []byte) string {
	var doc map[string]any
	if json.Unmarshal(data, &doc) != nil {
		return ""
	}
	// procountor.learned is written by the probe, not by `config set`; its entries are checked
	// by the strict decode.
	known := map[string]bool{"version": true, "procountor.learned": true}
	prefixes := map[string]bool{}
	for _, k := range Keys() {
		known[k] = true
		for i := range len(k) {
			if k[i] == '.' {
				prefixes[k[:i]] = true
			}
		}
	}
	var walk func(prefix string, obj map[string]any) string
	walk = func(prefix string, obj map[string]any) string {
		names := make([]string, 0, len(obj))
		for n := range obj {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			key := prefix + n
			if known[key] {
				continue
			}
			sub, isObj := obj[n].(map[string]any)
			if !prefixes[key] || !isObj {
				if prefixes[key] {
					continue // a group that is not an object: the strict decode reports it
				}
				return key
			}
			if k := walk(key+".", sub); k != "" {
				return k
			}
		}
		return ""
	}
	return walk("", doc)
}

// jsonProblem says what encoding/json found, with the line and column.
func jsonProblem(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &syn) && syn.Offset >= int64(len(data)):
		return "the file ends too early (it may have been cut short)"
	case syn != nil && strings.Contains(syn.Error(), "after top-level value"):
		return fmt.Sprintf("%s: there is more after the settings object", position(data, syn.Offset))
	case syn != nil:
		return fmt.Sprintf("%s: %s", position(data, syn.Offset), syn.Error())
	case errors.As(err, &typ):
		where := typ.Field
		if where == "" {
			where = "the file"
		}
		return fmt.Sprintf("%s: %s holds a JSON %s, but must be %s", position(data, typ.Offset), where, typ.Value, jsonKind(typ.Type.Kind().String()))
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func jsonKind(k string) string {
	switch k {
	case "int", "int64":
		return "a whole number"
	case "bool":
		return "true or false"
	case "string":
		return "a text in quotes"
	case "map", "struct":
		return "an object {…}"
	}
	return "a " + k
}

// position turns encoding/json's offset (the bytes read up to and including
// the bad one) into "line L, column C", both 1-based.
func position(data []byte, offset int64) string {
	idx := max(min(offset-1, int64(len(data))), 0)
	before := data[:idx]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(idx) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

// Save writes s to path atomically: a temporary file in the same folder,
// fsync, rename over the old file, fsync the folder. The old file is
// intact if anything fails. The file is readable by its owner only.
func Save(path string, s *Settings) error {
	if err := s.Validate(); err != nil {
		return fmt.Errorf("settings: not saved: %w", err)
	}
	c := s.Clone()
	c.Version = Version
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	data = append(data, '\n')
	return writeAtomic(path, data)
}

func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("settings: save %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("settings: save %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("settings: save %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("settings: save %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("settings: save %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("settings: save %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("settings: save %s: %w", path, err)
	}
	// The rename is durable only once the folder itself is synced. Windows
	// cannot open a folder for syncing, and its rename is already durable.
	if runtime.GOOS != "windows" {
		d, err := os.Open(dir)
		if err != nil {
			return fmt.Errorf("settings: save %s: %w", path, err)
		}
		defer d.Close()
		if err := d.Sync(); err != nil {
			return fmt.Errorf("settings: save %s: %w", path, err)
		}
	}
	return nil
}

// Reset is the user's choice to start again from the defaults: the current
// file, if any, is kept aside as FILE.damaged-YYYYMMDD-HHMMSS (never
// deleted) and the defaults are saved. keptAs is "" when there was no file.
func Reset(path string, now time.Time) (s *Settings, keptAs string, err error) {
	if _, err := os.Lstat(path); err == nil {
		keptAs, err = keepAside(path, now)
		if err != nil {
			return nil, "", err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, "", fmt.Errorf("settings: reset: %w", err)
	}
	s = Defaults()
	if err := Save(path, s); err != nil {
		return nil, keptAs, err
	}
	return s, keptAs, nil
}

func keepAside(path string, now time.Time) (string, error) {
	base := path + ".damaged-" + now.Format("20060102-150405")
	for i := 1; i < 1000; i++ {
		aside := base
		if i > 1 {
			aside = fmt.Sprintf("%s-%d", base, i)
		}
		// Link, not rename: a rename would silently replace an earlier kept file.
		err := os.Link(path, aside)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			// No hard links here (e.g. FAT): rename, having checked the name is free.
			if _, serr := os.Lstat(aside); !errors.Is(serr, fs.ErrNotExist) {
				continue
			}
			if err := os.Rename(path, aside); err != nil {
				return "", fmt.Errorf("settings: reset: keep %s aside: %w", path, err)
			}
			return aside, nil
		}
		if err := os.Remove(path); err != nil {
			return "", fmt.Errorf("settings: reset: %w", err)
		}
		return aside, nil
	}
	return "", fmt.Errorf("settings: reset: too many kept files beside %s", path)
}
