package mailbox

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// Real IMAP servers on loopback: go-imap's in-memory server in this process
// and Dovecot started with a throw-away configuration.

const (
	testUser = "tilaukset"
	testPass = "throwaway-imap-pw"
)

type testServer struct {
	name string
	host string
	port int
}

func (ts *testServer) addr() string { return net.JoinHostPort(ts.host, strconv.Itoa(ts.port)) }

// startMemServer runs imapmemserver with the given capabilities (nil: IMAP4rev1
// with the usual extensions, MOVE included).
func startMemServer(t testing.TB, caps imap.CapSet) *testServer {
	t.Helper()
	if caps == nil {
		caps = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}, imap.CapMove: {}, imap.CapNamespace: {}}
	}
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(testUser, testPass)
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         caps,
		InsecureAuth: true,
		Logger:       testLogger{t},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &testServer{name: "memserver", host: "127.0.0.1", port: ln.Addr().(*net.TCPAddr).Port}
}

type testLogger struct{ t testing.TB }

func (l testLogger) Printf(format string, args ...any) { l.t.Logf("imapserver: "+format, args...) }

const dovecotBin = "/usr/sbin/dovecot"

// startDovecot starts Dovecot on a free loopback port with its own
// configuration, base and mail folders. Without Dovecot the test skips,
// but fails when CI=true (make test installs dovecot-imapd).
func startDovecot(t testing.TB) *testServer {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("Dovecot is a Unix server; on Windows the mailbox tests run against go-imap's in-memory server")
	}
	if _, err := os.Stat(dovecotBin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing (CI=true): install the Debian package dovecot-imapd", dovecotBin)
		}
		t.Skipf("%s is missing: install the Debian package dovecot-imapd to run the Dovecot tests", dovecotBin)
	}
	// Not t.TempDir: Dovecot's login processes run as another user and must
	// reach the sockets, so the folder must be world-searchable.
	dir, err := os.MkdirTemp("", "orderbridge-dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	for _, d := range []string{"base", "state", "mail"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}

	// Dovecot refuses mail access as root: as root the mail belongs to
	// nobody; otherwise everything runs as the current user.
	internal, login := "dovecot", "dovenull"
	uid, gid := os.Getuid(), os.Getgid()
	if uid == 0 {
		nobody, err := user.Lookup("nobody")
		if err != nil {
			t.Fatalf("no user nobody for Dovecot's mail: %v", err)
		}
		uid, _ = strconv.Atoi(nobody.Uid)
		gid, _ = strconv.Atoi(nobody.Gid)
		if err := os.Chown(filepath.Join(dir, "mail"), uid, gid); err != nil {
			t.Fatal(err)
		}
	} else {
		me, err := user.Current()
		if err != nil {
			t.Fatal(err)
		}
		internal, login = me.Username, me.Username
	}
	port := freePort(t)
	conf := fmt.Sprintf(`protocols = imap
listen = 127.0.0.1
base_dir = %[1]s/base
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:%[1]s/mail/%%u
mail_uid = %[2]d
mail_gid = %[3]d
first_valid_uid = 1
default_internal_user = %[4]s
default_login_user = %[5]s
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/passwd
}
userdb {
  driver = static
  args = uid=%[2]d gid=%[3]d home=%[1]s/mail/%%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[6]d
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`, dir, uid, gid, internal, login, port)
	confPath := filepath.Join(dir, "dovecot.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "passwd"), []byte(testUser+":{PLAIN}"+testPass+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := exec.Command(dovecotBin, "-F", "-c", confPath)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	ts := &testServer{name: "dovecot", host: "127.0.0.1", port: port}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", ts.addr(), time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			logText, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			t.Fatalf("Dovecot did not listen on %s: %v\n%s\n%s", ts.addr(), err, out.String(), logText)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return ts
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// admin is the shop owner's own mail client: it delivers and looks.
func (ts *testServer) admin(t testing.TB) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(ts.addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(testUser, testPass).Wait(); err != nil {
		t.Fatal(err)
	}
	return c
}

func mustCreate(t testing.TB, c *imapclient.Client, folder string) {
	t.Helper()
	if err := c.Create(folder, nil).Wait(); err != nil {
		t.Fatalf("CREATE %s: %v", folder, err)
	}
}

func appendMail(t testing.TB, c *imapclient.Client, folder string, raw []byte, flags ...imap.Flag) {
	t.Helper()
	cmd := c.Append(folder, int64(len(raw)), &imap.AppendOptions{Flags: flags})
	if _, err := cmd.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatalf("APPEND to %s: %v", folder, err)
	}
}

type seen struct {
	uid     imap.UID
	subject string
	flags   []imap.Flag
}

// has compares as IMAP does: flags and keywords are case-insensitive
// (imapmemserver lower-cases keywords).
func (s seen) has(f imap.Flag) bool {
	return slices.ContainsFunc(s.flags, func(g imap.Flag) bool { return strings.EqualFold(string(g), string(f)) })
}

// list reads a folder's mails (read-only, so nothing changes).
func list(t testing.TB, c *imapclient.Client, folder string) []seen {
	t.Helper()
	sel, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatalf("EXAMINE %s: %v", folder, err)
	}
	if sel.NumMessages == 0 {
		return nil
	}
	var all imap.SeqSet
	all.AddRange(1, 0) // 1:*
	msgs, err := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true, Envelope: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	var out []seen
	for _, m := range msgs {
		out = append(out, seen{uid: m.UID, subject: m.Envelope.Subject, flags: m.Flags})
	}
	slices.SortFunc(out, func(a, b seen) int { return int(a.uid) - int(b.uid) })
	return out
}

func uidValidity(t testing.TB, c *imapclient.Client, folder string) uint32 {
	t.Helper()
	st, err := c.Status(folder, &imap.StatusOptions{UIDValidity: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	return st.UIDValidity
}

// cutProxy forwards TCP to a server and breaks its first connection a few
// bytes after the server sends marker: it cuts the connection (a connection
// lost in the middle of a download), or, when stall is set, stops passing
// on what the server says and keeps the connection open (a server that
// hangs, or a firewall that drops the flow without a word). Later
// connections are forwarded whole.
type cutProxy struct {
	ln     net.Listener
	marker []byte
	stall  bool
	done   chan struct{} // closed when the test ends: stalled connections close
	cut    atomic.Bool
	cuts   atomic.Int32
	wg     sync.WaitGroup
}

func startCutProxy(t testing.TB, target string) *cutProxy {
	return startProxy(t, target, "BODY[] {", false)
}

func startProxy(t testing.TB, target, marker string, stall bool) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, marker: []byte(marker), stall: stall, done: make(chan struct{})}
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", target)
			if err != nil {
				client.Close()
				continue
			}
			first := p.cut.CompareAndSwap(false, true)
			p.wg.Add(2)
			go func() { defer p.wg.Done(); io.Copy(server, client); server.Close() }()
			go func() {
				defer p.wg.Done()
				if first {
					p.copyThenCut(client, server)
				} else {
					io.Copy(client, server)
				}
				client.Close()
				server.Close()
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); close(p.done); p.wg.Wait() })
	return p
}

func (p *cutProxy) copyThenCut(dst io.Writer, src io.Reader) {
	marker := p.marker
	var window []byte
	buf := make([]byte, 512)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			window = append(window, buf[:n]...)
			if i := bytes.Index(window, marker); i >= 0 {
				// Send up to 100 bytes after the marker, then break.
				end := min(len(window), i+len(marker)+100)
				prefix := len(window) - n
				if end > prefix {
					dst.Write(buf[:end-prefix])
				}
				p.cuts.Add(1)
				if p.stall {
					<-p.done
				}
				return
			}
			dst.Write(buf[:n])
			if len(window) > len(marker) {
				window = window[len(window)-len(marker):]
			}
		}
		if err != nil {
			return
		}
	}
}
