package workflows_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/winback/winback/workflows"
)

// Every answer of every kind is wired to the TaskAnswers field its Name says, has a flag,
// and, when required, words for its absence; every TaskAnswers field belongs to a kind. The
// forms, flags, prompts and displays are made from these definitions, so this is what keeps
// them right.
func TestEveryKindsAnswersAreWiredToTheirField(t *testing.T) {
	flags := map[string]string{}
	used := map[string]bool{}
	for _, k := range workflows.Kinds() {
		if k.Label == "" || k.Kind.Label() != k.Label {
			t.Errorf("%s: no label", k.Kind)
		}
		for _, f := range k.Fields {
			var a workflows.TaskAnswers
			switch f.Type {
			case workflows.FieldList:
				f.SetList(&a, []string{"x"})
			case workflows.FieldYesNo:
				f.SetYes(&a, true)
			case workflows.FieldVerdict:
				f.SetVerdict(&a, new(false))
			default:
				f.SetText(&a, "x")
			}
			if !f.Given(a) {
				t.Errorf("%s.%s: setting it gives no answer: its accessor does not match its type %s", k.Kind, f.Name, f.Type)
			}
			data, _ := json.Marshal(a)
			var set map[string]any
			_ = json.Unmarshal(data, &set)
			if _, ok := set[f.Name]; !ok || len(set) != 1 {
				t.Errorf("%s.%s: setting it set %v, want exactly %s", k.Kind, f.Name, set, f.Name)
			}
			used[f.Name] = true
			if f.Flag == "" || (f.Type == workflows.FieldVerdict) != (f.NoFlag != "") {
				t.Errorf("%s.%s: flags %q, %q", k.Kind, f.Name, f.Flag, f.NoFlag)
			}
			if other, ok := flags[f.Flag]; ok && other != f.Name {
				t.Errorf("--%s names both %s and %s", f.Flag, other, f.Name)
			}
			flags[f.Flag] = f.Name
			if f.AlwaysRequired() && f.Type != workflows.FieldChoice && f.Missing == "" {
				t.Errorf("%s.%s: required, but no message for its absence", k.Kind, f.Name)
			}
			if (f.Type == workflows.FieldChoice || f.Type == workflows.FieldVerdict) && len(f.Choices) == 0 {
				t.Errorf("%s.%s: a choice without choices", k.Kind, f.Name)
			}
		}
	}
	typ := reflect.TypeFor[workflows.TaskAnswers]()
	for i := range typ.NumField() {
		if name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ","); !used[name] {
			t.Errorf("TaskAnswers.%s (%s) belongs to no task kind", typ.Field(i).Name, name)
		}
	}
}

func TestTheDecisionAsksForAPlanOnlyWhenPursuing(t *testing.T) {
	k, _ := workflows.KindOf(workflows.TaskDecision)
	asked := func(a workflows.TaskAnswers) (names []string) {
		for _, f := range k.Fields {
			if f.Asked(a) {
				names = append(names, f.Name)
			}
		}
		return names
	}
	for _, tc := range []struct {
		a    workflows.TaskAnswers
		want string
	}{
		{workflows.TaskAnswers{Pursue: new(false)}, "pursue rationale"},
		{workflows.TaskAnswers{Pursue: new(true), Offer: workflows.OfferBeatOffer}, "pursue offer whatWeChanged offerDetails rationale"},
		{workflows.TaskAnswers{Pursue: new(true), Offer: workflows.OfferStayInTouch}, "pursue offer"},
	} {
		if got := strings.Join(asked(tc.a), " "); got != tc.want {
			t.Errorf("%+v: asks %s, want %s", tc.a, got, tc.want)
		}
	}
	a := workflows.TaskAnswers{Pursue: new(false), Offer: workflows.OfferIncentive, WhatWeChanged: "x", Rationale: "bad fit"}
	k.Tidy(&a)
	if a.Offer != "" || a.WhatWeChanged != "" || a.Rationale != "bad fit" {
		t.Errorf("walking away kept a plan: %+v", a)
	}
}
