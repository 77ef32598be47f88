package settings

import (
	"path/filepath"
	"testing"
	"time"

	"orderbridge/internal/procountor"
)

// What a probe learned survives a save and a load, per environment and company, and only the
// current environment's entries reach the client.
func TestLearnedPerEnvironmentAndCompany(t *testing.T) {
	s := Defaults()
	at := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	s.Procountor.Learn(procountor.Learned{CompanyID: 4001, ProbedAt: at, SearchEmpty: procountor.SearchEmpty404})
	s.Procountor.Environment = EnvironmentTest
	s.Procountor.Learn(procountor.Learned{CompanyID: 4001, ProbedAt: at, SearchEmpty: procountor.SearchEmpty200})

	path := filepath.Join(t.TempDir(), "settings.json")
	if err := Save(path, s); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if l := got.Procountor.Learned["production/4001"]; l.SearchEmpty != procountor.SearchEmpty404 || !l.ProbedAt.Equal(at) {
		t.Errorf("production/4001 = %+v, want search_empty 404 probed at %v", l, at)
	}
	here := got.Procountor.LearnedHere()
	if len(here) != 1 || here[0].SearchEmpty != procountor.SearchEmpty200 {
		t.Errorf("LearnedHere() in test = %+v, want only the test environment's entry", here)
	}
	c := got.Clone()
	c.Procountor.Learn(procountor.Learned{CompanyID: 5})
	if len(got.Procountor.Learned) != 2 {
		t.Errorf("Learn on a clone changed the original: %v", got.Procountor.Learned)
	}
}
