//go:build race

package format

// cutStep is how far apart the cut test cuts CSV files: the race detector
// makes each parse some ten times slower, so make test cuts at every third byte.
const cutStep = 3
