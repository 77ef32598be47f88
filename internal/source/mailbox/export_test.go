package mailbox

import "testing"

// For the benchmarks of package mailbox_test, which run the mailbox as the app does
// (source/live, which imports this package): the throw-away Dovecot and the mails it is given.

// Dovecot is a Dovecot started for a test, with its user and the order folder created.
type Dovecot struct {
	Host, Folder, User, Password string
	Port                         int
	srv                          *testServer
}

// StartDovecot starts Dovecot (skipping without it, as the other tests do) with an empty
// order folder.
func StartDovecot(t testing.TB) *Dovecot {
	srv := startDovecot(t)
	c := srv.admin(t)
	mustCreate(t, c, folderName)
	return &Dovecot{Host: srv.host, Port: srv.port, Folder: folderName, User: testUser, Password: testPass, srv: srv}
}

// Deliver APPENDs an order mail with a table of n's own orders, as the shop's export would.
func (d *Dovecot) Deliver(t testing.TB, n int) {
	c := d.srv.admin(t)
	defer c.Close()
	appendMail(t, c, d.Folder, orderMail("kauppa@shop.example", "Tilausvienti", "tilaukset.csv", uniqueTable(t, n)))
}
