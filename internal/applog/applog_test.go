package applog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLogRotatesAndNeverHoldsSecrets writes through the logger as the app does: a token and a
// password in an error are redacted in the file and in the recent errors; the file is rotated
// when full and only Keep old files stay.
func TestLogRotatesAndNeverHoldsSecrets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.max = 2000
	log := l.Logger(nil)
	log.Error("Procountor refused the call", "err", errors.New("401: Authorization: Bearer abcdef123456secret"))
	data, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "abcdef123456secret") || !strings.Contains(string(data), "[redacted]") {
		t.Errorf("log file holds %q, want the token redacted", data)
	}
	recent := l.Recent()
	if len(recent) != 1 || strings.Contains(recent[0], "abcdef123456secret") {
		t.Errorf("Recent() = %q, want the one error, redacted", recent)
	}
	for i := range 200 {
		log.Info("file handled", "file", "tilaukset.csv", "n", i)
	}
	for i := 1; i <= Keep; i++ {
		if _, err := os.Stat(filepath.Join(dir, FileName+"."+string(rune('0'+i)))); err != nil {
			t.Errorf("rotated file .%d: %v", i, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, FileName+".4")); err == nil {
		t.Errorf("more than %d rotated files kept", Keep)
	}
	if fi, _ := os.Stat(filepath.Join(dir, FileName)); fi.Size() > 2000 || fi.Mode().Perm() != 0o600 {
		t.Errorf("log file is %d bytes, mode %v; want at most 2000, 0600", fi.Size(), fi.Mode().Perm())
	}
}
