package ui

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
)

// sourceStep chooses where orders come from: a folder, a mailbox, or both.
type sourceStep struct {
	w *Wizard

	useFolder *widget.Check
	folder    *widget.Entry
	pick      *widget.Button

	useMailbox *widget.Check
	host       *widget.Entry
	port       *widget.Entry
	security   *widget.Select
	user       *widget.Entry
	password   *widget.Entry
	mailFolder *widget.Entry
	mailForm   *fyne.Container
	test       *widget.Button
	testResult *widget.Label

	problem *widget.Label
	box     fyne.CanvasObject

	passwordStored bool
	// Captured by apply for commit.
	pendingFolder   string
	pendingPassword string
	pendingAccount  string
}

var securityKeys = []struct {
	key string
	sec settings.Security
}{
	{"source.mail.security.tls", settings.SecurityTLS},
	{"source.mail.security.starttls", settings.SecurityStartTLS},
	{"source.mail.security.plain", settings.SecurityPlain},
}

func newSourceStep(w *Wizard) *sourceStep {
	st := &sourceStep{w: w}
	src := w.s.Sources
	st.useFolder = widget.NewCheck(t("source.folder.use"), func(bool) { st.check() })
	st.useFolder.Checked = src.Folder.Enabled
	st.folder = widget.NewEntry()
	st.folder.SetPlaceHolder(t("source.folder.placeholder"))
	st.folder.SetText(src.Folder.Path)
	st.folder.OnChanged = func(string) { st.check() }
	st.pick = widget.NewButtonWithIcon(t("source.folder.pick"), theme.FolderOpenIcon(), st.onPick)

	st.useMailbox = widget.NewCheck(t("source.mail.use"), func(bool) { st.check() })
	st.useMailbox.Checked = src.Mailbox.Enabled
	mb := src.Mailbox
	st.host = widget.NewEntry()
	st.host.SetPlaceHolder("imap.example.fi")
	st.host.SetText(mb.Host)
	st.port = widget.NewEntry()
	st.port.SetText(strconv.Itoa(mb.Port))
	var secOptions []string
	for _, s := range securityKeys {
		secOptions = append(secOptions, t(s.key))
	}
	st.security = widget.NewSelect(secOptions, func(string) { st.check() })
	for _, s := range securityKeys {
		if s.sec == mb.Security {
			st.security.Selected = t(s.key)
		}
	}
	st.user = widget.NewEntry()
	st.user.SetPlaceHolder(t("source.mail.user.placeholder"))
	st.user.SetText(mb.Username)
	st.password = widget.NewPasswordEntry()
	st.mailFolder = widget.NewEntry()
	st.mailFolder.SetText(mb.Folder)
	for _, e := range []*widget.Entry{st.host, st.port, st.user, st.password, st.mailFolder} {
		e.OnChanged = func(string) { st.check() }
	}
	st.testResult = widget.NewLabel("")
	st.testResult.Wrapping = fyne.TextWrapWord
	items := []fyne.CanvasObject{widget.NewForm(
		widget.NewFormItem(t("source.mail.host"), st.host),
		widget.NewFormItem(t("source.mail.port"), st.port),
		widget.NewFormItem(t("source.mail.security"), st.security),
		widget.NewFormItem(t("source.mail.user"), st.user),
		widget.NewFormItem(t("source.mail.password"), st.password),
		widget.NewFormItem(t("source.mail.folder"), st.mailFolder),
	)}
	if _, ok := w.opts.Setup.(MailboxTester); ok {
		st.test = widget.NewButtonWithIcon(t("source.mail.test"), theme.MailSendIcon(), st.onTest)
		items = append(items, container.NewHBox(st.test), st.testResult)
	}
	st.mailForm = container.NewVBox(items...)

	st.problem = widget.NewLabel("")
	st.problem.Wrapping = fyne.TextWrapWord
	st.problem.Importance = widget.WarningImportance

	st.box = container.NewVBox(
		paragraph(t("source.intro")),
		st.useFolder,
		explanation(t("source.folder.help")),
		container.NewBorder(nil, nil, nil, st.pick, st.folder),
		widget.NewSeparator(),
		st.useMailbox,
		explanation(t("source.mail.help")),
		st.mailForm,
		st.problem,
	)
	return st
}

func (st *sourceStep) title() string                   { return t("source.title") }
func (st *sourceStep) content() fyne.CanvasObject      { return st.box }
func (st *sourceStep) skipped(*settings.Settings) bool { return false }

func (st *sourceStep) enter() {
	st.passwordStored = false
	if acc := st.account(); acc != "" {
		if _, err := st.w.opts.Secrets.Get(secret.IMAPPassword(acc)); err == nil {
			st.passwordStored = true
		}
	}
	if st.passwordStored {
		st.password.SetPlaceHolder(t("source.mail.password.stored"))
	} else {
		st.password.SetPlaceHolder("")
	}
	st.check()
}

// account is the mailbox account's name in the keyring, "user@host".
func (st *sourceStep) account() string {
	u, h := strings.TrimSpace(st.user.Text), strings.TrimSpace(st.host.Text)
	if u == "" || h == "" {
		return ""
	}
	return u + "@" + h
}

func (st *sourceStep) check() {
	if st.box == nil {
		return // still being built
	}
	if st.useFolder.Checked {
		st.folder.Enable()
		st.pick.Enable()
	} else {
		st.folder.Disable()
		st.pick.Disable()
	}
	if st.useMailbox.Checked {
		st.mailForm.Show()
	} else {
		st.mailForm.Hide()
	}
	if k := st.problemKey(); k != "" {
		st.problem.SetText(t(k))
		st.problem.Show()
	} else {
		st.problem.SetText("")
		st.problem.Hide()
	}
	st.w.refresh()
}

func (st *sourceStep) valid() bool { return st.problemKey() == "" }

// problemKey is the translation key of what keeps Next disabled, or "".
func (st *sourceStep) problemKey() string {
	if !st.useFolder.Checked && !st.useMailbox.Checked {
		return "source.need_one"
	}
	if st.useFolder.Checked {
		p := strings.TrimSpace(st.folder.Text)
		if p == "" {
			return "source.folder.need"
		}
		if !filepath.IsAbs(p) {
			return "source.folder.absolute"
		}
	}
	if st.useMailbox.Checked {
		host := strings.TrimSpace(st.host.Text)
		port, err := strconv.Atoi(strings.TrimSpace(st.port.Text))
		switch {
		case host == "" || strings.ContainsAny(host, " /:@"):
			return "source.mail.need_host"
		case err != nil || port < 1 || port > 65535:
			return "source.mail.bad_port"
		case st.security.Selected == "":
			return "source.mail.need_security"
		case st.selectedSecurity() == settings.SecurityPlain && !isLoopbackHost(host):
			return "source.mail.plain_remote"
		case strings.TrimSpace(st.user.Text) == "":
			return "source.mail.need_user"
		case st.password.Text == "" && !st.passwordStored:
			return "source.mail.need_password"
		case strings.TrimSpace(st.mailFolder.Text) == "":
			return "source.mail.need_folder"
		}
	}
	return ""
}

func (st *sourceStep) selectedSecurity() settings.Security {
	for _, s := range securityKeys {
		if t(s.key) == st.security.Selected {
			return s.sec
		}
	}
	return ""
}

func isLoopbackHost(h string) bool {
	ip := net.ParseIP(h)
	return strings.EqualFold(h, "localhost") || ip != nil && ip.IsLoopback()
}

func (st *sourceStep) onPick() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		st.folder.SetText(u.Path())
	}, st.w.opts.Window)
	d.Show()
}

func (st *sourceStep) onTest() {
	tester, ok := st.w.opts.Setup.(MailboxTester)
	if !ok || st.problemKey() != "" {
		return
	}
	mb := st.mailbox()
	password := st.password.Text
	st.test.Disable()
	st.testResult.Importance = widget.MediumImportance
	st.testResult.SetText(t("source.mail.testing"))
	st.w.opts.Go(func() {
		if password == "" {
			password, _ = st.w.opts.Secrets.Get(secret.IMAPPassword(mb.Username + "@" + mb.Host))
		}
		n, err := tester.TestMailbox(st.w.ctx, mb, password)
		fyne.Do(func() {
			st.test.Enable()
			if err != nil {
				st.testResult.Importance = widget.DangerImportance
				st.testResult.SetText(t("source.mail.test_failed", map[string]any{"Problem": err.Error()}))
				return
			}
			st.testResult.Importance = widget.SuccessImportance
			st.testResult.SetText(t("source.mail.test_ok", map[string]any{"Count": n}))
		})
	})
}

// mailbox is the mailbox settings as typed.
func (st *sourceStep) mailbox() settings.Mailbox {
	mb := st.w.s.Sources.Mailbox
	mb.Enabled = st.useMailbox.Checked
	mb.Host = strings.TrimSpace(st.host.Text)
	mb.Port, _ = strconv.Atoi(strings.TrimSpace(st.port.Text))
	mb.Security = st.selectedSecurity()
	mb.Username = strings.TrimSpace(st.user.Text)
	mb.Folder = strings.TrimSpace(st.mailFolder.Text)
	return mb
}

func (st *sourceStep) apply(s *settings.Settings) {
	s.Sources.Folder.Enabled = st.useFolder.Checked
	s.Sources.Folder.Path = strings.TrimSpace(st.folder.Text)
	if st.useMailbox.Checked {
		s.Sources.Mailbox = st.mailbox()
	} else {
		s.Sources.Mailbox.Enabled = false
	}
	st.pendingFolder, st.pendingPassword, st.pendingAccount = "", "", ""
	if st.useFolder.Checked {
		st.pendingFolder = s.Sources.Folder.Path
	}
	if st.useMailbox.Checked && st.password.Text != "" {
		st.pendingPassword, st.pendingAccount = st.password.Text, st.account()
	}
}

func (st *sourceStep) commit(*settings.Settings) error {
	if st.pendingFolder != "" {
		if err := st.w.opts.Setup.PrepareFolder(st.pendingFolder); err != nil {
			return &messageError{key: "error.folder", data: map[string]any{"Folder": st.pendingFolder, "Problem": err.Error()}, err: err}
		}
	}
	if st.pendingPassword != "" {
		if err := st.w.opts.Secrets.Set(secret.IMAPPassword(st.pendingAccount), st.pendingPassword); err != nil {
			return keyringError(err)
		}
	}
	return nil
}

// describe is one line about the chosen sources, for the summary.
func (st *sourceStep) describe(s *settings.Settings) []string {
	var out []string
	if s.Sources.Folder.Enabled {
		out = append(out, t("summary.folder", map[string]any{"Folder": s.Sources.Folder.Path}))
	}
	if s.Sources.Mailbox.Enabled {
		mb := s.Sources.Mailbox
		out = append(out, t("summary.mailbox", map[string]any{"Account": fmt.Sprintf("%s@%s:%d", mb.Username, mb.Host, mb.Port), "Folder": mb.Folder}))
	}
	return out
}
