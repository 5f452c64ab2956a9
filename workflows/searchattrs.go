package workflows

import (
	"slices"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
)

// Search attributes: what ops filter campaigns by in the Temporal UI and what a rep's inbox
// queries. They are never encrypted, so none of them carries PII.
var (
	AttrCustomerID   = temporal.NewSearchAttributeKeyKeyword("WinBackCustomerID")
	AttrStage        = temporal.NewSearchAttributeKeyKeyword("WinBackStage")
	AttrOutcome      = temporal.NewSearchAttributeKeyKeyword("WinBackOutcome")
	AttrReason       = temporal.NewSearchAttributeKeyKeyword("WinBackReason")
	AttrScope        = temporal.NewSearchAttributeKeyKeyword("WinBackScope")
	AttrAssignee     = temporal.NewSearchAttributeKeyKeyword("WinBackAssignee")
	AttrSegment      = temporal.NewSearchAttributeKeyKeyword("WinBackSegment")
	AttrTaskDue      = temporal.NewSearchAttributeKeyTime("WinBackTaskDue")
	AttrAccountValue = temporal.NewSearchAttributeKeyFloat64("WinBackAccountValue")
	// AttrContact holds keyed hashes (HMAC with the link secret) of the customer's phone, so an
	// inbound SMS ("STOP") finds its campaign without the phone number ever being indexed.
	AttrContact = temporal.NewSearchAttributeKeyKeywordList("WinBackContact")
	// AttrPeople lists everyone the campaign involves now: its rep, its manager and the assignee
	// of every open task, so a person's inbox asks only their campaigns (WinBackAssignee holds
	// just the next task's assignee).
	AttrPeople = temporal.NewSearchAttributeKeyKeywordList("WinBackPeople")
)

// SearchAttributeTypes lists every search attribute with its indexed type, for registration
// (`make run` on the dev server, `winback setup` on any cluster).
var SearchAttributeTypes = map[string]enums.IndexedValueType{
	"WinBackCustomerID":   enums.INDEXED_VALUE_TYPE_KEYWORD,
	"WinBackStage":        enums.INDEXED_VALUE_TYPE_KEYWORD,
	"WinBackOutcome":      enums.INDEXED_VALUE_TYPE_KEYWORD,
	"WinBackReason":       enums.INDEXED_VALUE_TYPE_KEYWORD,
	"WinBackScope":        enums.INDEXED_VALUE_TYPE_KEYWORD,
	"WinBackAssignee":     enums.INDEXED_VALUE_TYPE_KEYWORD,
	"WinBackSegment":      enums.INDEXED_VALUE_TYPE_KEYWORD,
	"WinBackTaskDue":      enums.INDEXED_VALUE_TYPE_DATETIME,
	"WinBackAccountValue": enums.INDEXED_VALUE_TYPE_DOUBLE,
	"WinBackContact":      enums.INDEXED_VALUE_TYPE_KEYWORD_LIST,
	"WinBackPeople":       enums.INDEXED_VALUE_TYPE_KEYWORD_LIST,
}

// People is the value of WinBackPeople: the rep, the manager and the open tasks' assignees,
// sorted, each once.
func People(rep, manager string, tasks []Task) []string {
	people := []string{rep, manager}
	for _, t := range tasks {
		if t.Status == TaskOpen {
			people = append(people, t.Assignee)
		}
	}
	slices.Sort(people)
	return slices.Compact(people)
}
