package attention

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"orderbridge/internal/order"
	"orderbridge/internal/store"
)

// ErrNotOffered is Resolve's error for an action the order's case does not offer (or an order
// that needs nothing); the message lists what it offers.
var ErrNotOffered = errors.New("attention: the action does not fit the order")

// Outcome is what Resolve did.
type Outcome struct {
	OrderID int64
	Number  string
	Action  Action
	// Done is false when nothing changed: Retry found the order still missing something.
	Done  bool
	State store.State // the order's state afterwards
	// Message says what happened, in both languages.
	Message Text
	// StillMissing is what Retry's check found still wrong.
	StillMissing []order.Problem
}

// Resolve carries out action a on order id: checked against the order's case as it is now, so
// that an action the user chose on a screen that is out of date does nothing wrong.
func Resolve(ctx context.Context, s *store.Store, id int64, a Action) (Outcome, error) {
	o, err := s.Order(ctx, id)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{OrderID: id, Number: o.Number, Action: a, State: o.State}
	c, ok := Of(o)
	if !ok || !c.Offers(a) {
		return out, notOffered(o, c, ok, a)
	}
	switch a {
	case UseNew, UseOld:
		err = s.ChooseVersion(ctx, id, a == UseNew, "")
		out.Message = Text{"Valittu versio jää laskutettavaksi.", "The chosen version will be invoiced."}
	case IgnoreChange:
		err = s.ChooseVersion(ctx, id, false, "the change was ignored; the invoice stays as it is")
		out.Message = Text{"Muutos jätettiin huomiotta; lasku pysyy ennallaan.", "The change was ignored; the invoice stays as it is."}
	case FixedByHand:
		if c.Kind == ChangedAfterSent {
			err = s.ChooseVersion(ctx, id, false, "the user corrected the invoice in Procountor by hand")
		} else {
			err = s.Skip(ctx, id, "invoiced by hand in Procountor")
		}
		out.Message = Text{"Merkitty käsin hoidetuksi.", "Marked as done by hand."}
	case Skip:
		err = s.Skip(ctx, id, "skipped by the user")
		out.Message = Text{"Tilausta ei laskuteta.", "The order will not be invoiced."}
	case Retry:
		return retry(ctx, s, o, out)
	}
	if err != nil {
		return out, err
	}
	return finish(ctx, s, out)
}

// retry checks the order again: what is still missing is said and nothing moves; otherwise the
// order goes back to the queue.
func retry(ctx context.Context, s *store.Store, o store.Order, out Outcome) (Outcome, error) {
	if missing := Recheck(o.Canonical); len(missing) > 0 {
		out.StillMissing = missing
		fi, en := make([]string, len(missing)), make([]string, len(missing))
		for i, p := range missing {
			fi[i], en[i] = p.Message, p.MessageEN
		}
		out.Message = Text{"Tilaus tarkistettiin, eikä sitä voi vielä lähettää: " + strings.Join(fi, " "),
			"The order was checked and cannot be sent yet: " + strings.Join(en, " ")}
		return out, nil
	}
	if err := s.MoveToReady(ctx, o.ID, "checked again; nothing is missing"); err != nil {
		return out, err
	}
	out.Message = Text{"Tilaus tarkistettiin ja odottaa lähetystä.", "The order was checked and waits to be sent."}
	return finish(ctx, s, out)
}

func finish(ctx context.Context, s *store.Store, out Outcome) (Outcome, error) {
	o, err := s.Order(ctx, out.OrderID)
	if err != nil {
		return out, err
	}
	out.Done, out.State = true, o.State
	return out, nil
}

func notOffered(o store.Order, c Case, ok bool, a Action) error {
	if !ok {
		return fmt.Errorf("%w: order %s is %s and needs nothing", ErrNotOffered, o.Number, o.State)
	}
	names := make([]string, len(c.Actions))
	for i, x := range c.Actions {
		names[i] = string(x)
	}
	return fmt.Errorf("%w: order %s (%s) offers %s, not %s", ErrNotOffered, o.Number, c.Kind, strings.Join(names, ", "), a)
}
