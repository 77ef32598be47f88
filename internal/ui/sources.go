package ui

import (
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/source"
)

// ErrNoSources is what Orders.Import answers when no folder or mailbox is set up; the window
// says so in its own words and points to the settings.
var ErrNoSources = errors.New("ui: no order source is set up")

// sourcesView shows each order source's state in plain words, one line each.
type sourcesView struct {
	box    *fyne.Container
	states []source.State
	lines  []*widget.Label
	ticks  bool // a ticker refreshes the "in N s" of a retrying source
}

// ShowSources shows the sources' states (the app calls it when one changes). A retrying source's
// wait counts down.
func (m *MainWindow) ShowSources(states []source.State) {
	v := m.sources
	v.states = append([]source.State(nil), states...)
	v.render()
	if !v.ticks && v.retrying() {
		v.ticks = true
		go func() {
			for {
				time.Sleep(time.Second)
				again := true
				fyne.DoAndWait(func() {
					v.render()
					again = v.retrying()
					v.ticks = again
				})
				if !again {
					return
				}
			}
		}()
	}
}

func (v *sourcesView) retrying() bool {
	for _, st := range v.states {
		if st.Condition == source.Retrying {
			return true
		}
	}
	return false
}

func (v *sourcesView) render() {
	for len(v.lines) < len(v.states) {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		v.lines = append(v.lines, l)
		v.box.Add(l)
	}
	now := time.Now()
	for i, l := range v.lines {
		if i >= len(v.states) {
			l.SetText("")
			l.Hide()
			continue
		}
		st := v.states[i]
		l.SetText(sourceLine(st, now))
		l.Importance = widget.MediumImportance
		if st.Condition == source.Retrying || st.Condition == source.Stopped {
			l.Importance = widget.WarningImportance
		}
		l.Show()
		l.Refresh()
	}
}

// sourceLine is one source's state in words: "Tilauskansio /x: seuraa …", "… yrittää uudelleen
// 30 s kuluttua: syy".
func sourceLine(st source.State, now time.Time) string {
	kind := t("source.folder")
	if st.Kind == source.Mailbox {
		kind = t("source.mailbox")
	}
	data := map[string]any{"Kind": kind, "Name": st.Name}
	if st.Reason != nil {
		data["Reason"] = st.Reason.Error()
	}
	switch st.Condition {
	case source.Watching:
		if st.Kind == source.Mailbox {
			return t("source.watching.mailbox", data)
		}
		return t("source.watching.folder", data)
	case source.Retrying:
		data["Seconds"] = int(st.RetryIn(now) / time.Second)
		return t("source.retrying", data)
	case source.Stopped:
		if st.Reason == nil {
			return t("source.stopped.plain", data)
		}
		return t("source.stopped", data)
	}
	return t("source.starting", data)
}
