//go:build !race

package format

// cutStep is how far apart the cut test cuts CSV files: at every byte.
const cutStep = 1
