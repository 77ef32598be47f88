// Package applog is the app's own log file: what the sources, the sends and the app did, for
// support. It is rotated by size (the newest few files are kept), and every line passes the
// history's secret redaction first, so that no key, token or password is ever written to it.
// The last warnings and errors are kept in memory for "Kopioi tiedot tukea varten".
package applog

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"orderbridge/internal/store"
)

// Defaults of Open.
const (
	MaxSize  = 5 << 20 // a file is rotated when it would grow past this
	Keep     = 3       // rotated files kept: orderbridge.log.1 … .3
	FileName = "orderbridge.log"
	recentN  = 20 // warnings and errors kept for the support information
)

// File is the log file. It is safe for concurrent use.
type File struct {
	mu     sync.Mutex
	path   string
	f      *os.File
	size   int64
	max    int64
	recent []string
}

// Open opens dir/orderbridge.log for appending (making dir), rotating it first when it is full.
func Open(dir string) (*File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("applog: %w", err)
	}
	l := &File{path: filepath.Join(dir, FileName), max: MaxSize}
	if err := l.open(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *File) open() error {
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("applog: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("applog: %w", err)
	}
	l.f, l.size = f, fi.Size()
	if l.size >= l.max {
		return l.rotate()
	}
	return nil
}

// rotate moves orderbridge.log to .1 (.1 to .2 …, the oldest dropped) and starts a new file.
func (l *File) rotate() error {
	l.f.Close()
	os.Remove(fmt.Sprintf("%s.%d", l.path, Keep))
	for i := Keep - 1; i >= 1; i-- {
		os.Rename(fmt.Sprintf("%s.%d", l.path, i), fmt.Sprintf("%s.%d", l.path, i+1))
	}
	if err := os.Rename(l.path, l.path+".1"); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("applog: %w", err)
	}
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("applog: %w", err)
	}
	l.f, l.size = f, 0
	return nil
}

// Write writes one log line, redacted, rotating the file when it would grow past its size.
func (l *File) Write(p []byte) (int, error) {
	line := store.Redact(string(p))
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.size+int64(len(line)) > l.max && l.size > 0 {
		if err := l.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := l.f.WriteString(line)
	l.size += int64(n)
	if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
		l.recent = append(l.recent, strings.TrimSpace(line))
		if len(l.recent) > recentN {
			l.recent = l.recent[len(l.recent)-recentN:]
		}
	}
	return len(p), err
}

// Recent are the last warnings and errors, oldest first (redacted).
func (l *File) Recent() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.recent...)
}

// Path is the log file's path.
func (l *File) Path() string { return l.path }

// Close closes the file.
func (l *File) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Close()
}

// Handler is a slog handler writing to the file at level and above.
func (l *File) Handler(level slog.Leveler) slog.Handler {
	return slog.NewTextHandler(l, &slog.HandlerOptions{Level: level})
}

// Logger is a logger that writes to the file (info and above) and to also (warnings and
// above), e.g. stderr.
func (l *File) Logger(also slog.Handler) *slog.Logger {
	if also == nil {
		return slog.New(l.Handler(slog.LevelInfo))
	}
	return slog.New(slog.NewMultiHandler(l.Handler(slog.LevelInfo), also))
}
