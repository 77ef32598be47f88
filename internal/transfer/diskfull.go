package transfer

import (
	"fmt"

	"orderbridge/internal/store"
)

// ProblemDiskFull is Problem.Code for a document left unimported because the
// disk of the history is full.
const ProblemDiskFull = "disk_full"

// DiskFull reports whether err (from Import, ImportFailed, a source's scan or
// a send) comes from the history's disk being full: nothing of the document
// was committed, and the source kept it (the file in its folder, the mail
// unflagged), so it is imported once space is back.
func DiskFull(err error) bool { return store.DiskFull(err) }

// DiskFullResult is the result of a document that could not be imported
// because the disk of the history (in dir) is full: a problem of that
// document, in plain words, with what to do; not an error of the command.
func DiskFullResult(what, dir string) Result {
	return Result{Documents: 1, NotImported: 1, Problems: []Problem{{File: what, Code: ProblemDiskFull,
		Message: fmt.Sprintf("Ei tuotu, koska levy on täynnä: historia (%s) ei mahdu levylle. "+
			"Vapauta levytilaa, esimerkiksi poistamalla tarpeettomia tiedostoja tai tyhjentämällä roskakorin. "+
			"Tiedosto jää paikalleen ja tuodaan, kun tilaa on taas; mitään ei menetetty.", dir),
		MessageEN: fmt.Sprintf("Not imported because the disk is full: the history (%s) does not fit on the disk. "+
			"Free some disk space, for example by deleting files you do not need or emptying the trash. "+
			"The file stays where it is and is imported once there is space again; nothing was lost.", dir),
	}}}
}
