package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/settings"
)

// NewSetupDone is the screen after the wizard: setup is complete and what happens next. It
// stands in until the main window exists; onClose may be nil.
func NewSetupDone(s *settings.Settings, onClose func()) fyne.CanvasObject {
	title := widget.NewLabelWithStyle(t("done.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	items := []fyne.CanvasObject{}
	if s.Setup.Demo {
		banner := widget.NewLabelWithStyle(t("demo.banner"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		banner.Wrapping = fyne.TextWrapWord
		banner.Importance = widget.DangerImportance
		items = append(items, banner)
	}
	items = append(items, container.NewHBox(widget.NewIcon(theme.ConfirmIcon()), title), widget.NewLabel(t("done.next")))
	if s.Sources.Folder.Enabled {
		items = append(items, paragraph(t("done.folder", map[string]any{"Folder": s.Sources.Folder.Path})))
	}
	if mb := s.Sources.Mailbox; mb.Enabled {
		items = append(items, paragraph(t("done.mailbox", map[string]any{"Account": fmt.Sprintf("%s@%s", mb.Username, mb.Host)})))
	}
	items = append(items, paragraph(t("done.send")))
	if s.Setup.Demo {
		items = append(items, paragraph(t("done.demo")))
	}
	if onClose != nil {
		items = append(items, container.NewHBox(widget.NewButton(t("done.close"), onClose)))
	}
	return container.NewVScroll(container.NewPadded(container.NewVBox(items...)))
}
