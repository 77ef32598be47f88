package transfer

import (
	"sync"
	"time"

	"orderbridge/internal/procountor"
)

// DefaultPartnerMemory is how long an Engine keeps teaching its batches the partners it
// created, when Options.PartnerMemory is 0.
const DefaultPartnerMemory = 10 * time.Minute

// partnerMemory keeps the business partners this engine created lately. Procountor's partner
// search may show a new partner only some time later (the sandbox's lagging-partner-search;
// whether it does is unknown and a read-only probe cannot tell). Within a batch the builder
// learns each partner it asked for; this memory carries them into the next batches of the same
// engine for a while, so that the same new customer's next order is not made a second partner
// while the search lags. It is in memory only: separate `orderbridge send` runs minutes apart
// rely on the search having caught up by then.
type partnerMemory struct {
	mu   sync.Mutex
	list []rememberedPartner
}

type rememberedPartner struct {
	p  procountor.BusinessPartner
	at time.Time
}

func (m *partnerMemory) remember(p procountor.BusinessPartner, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.list = append(m.list, rememberedPartner{p, now})
}

// teach tells l the partners created within keep before now, and forgets older ones.
func (m *partnerMemory) teach(l Learner, now time.Time, keep time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fresh := m.list[:0]
	for _, r := range m.list {
		if now.Sub(r.at) < keep {
			fresh = append(fresh, r)
		}
	}
	m.list = fresh
	for _, r := range m.list {
		l.Learn(r.p)
	}
}
