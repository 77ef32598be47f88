package format

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"orderbridge/internal/order"
)

// jsonArray reports whether a JSON document's head starts an array: such a
// document is read one order at a time (streamArray); any other shape (an
// envelope object) is read whole.
func jsonArray(head []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n")
	return len(t) > 0 && t[0] == '['
}

// streamArray reads the JSON array r holds one element at a time and emits
// the order orderOf makes of each, with its path "[i]", so that memory does
// not grow with the file. Broken JSON anywhere fails the whole document, as
// a whole read would.
func streamArray(r io.Reader, what string, orderOf func(raw json.RawMessage, path string) order.Order, emit func(order.Order) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\ufeff")) {
		br.Discard(3)
	}
	dec := json.NewDecoder(br)
	if _, err := dec.Token(); err != nil { // the '['
		return fmt.Errorf("%s: ei JSON-taulukko tilauksia (not a JSON array of orders): %w", what, err)
	}
	for i := 0; dec.More(); i++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("%s: JSON on rikki tilauksen %d kohdalla (broken JSON at order [%d]): %w", what, i, i, err)
		}
		if err := emit(orderOf(raw, fmt.Sprintf("[%d]", i))); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the ']'
		return fmt.Errorf("%s: JSON-taulukko päättyy kesken (the JSON array is cut short): %w", what, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: taulukon jälkeen on ylimääräistä (extra data after the array): %v", what, err)
	}
	return nil
}
