// Package activitiestest holds stand-ins for the campaign's store activities, for tests whose
// fake senders replace the providers but that have no store: embed NoStore in the fake, and a
// campaign's IndexContacts, RecordOptOut, LookupPerson, SyncCampaign and CustomerHistory find
// nothing and record nothing.
package activitiestest

import (
	"context"

	"github.com/winback/winback/activities"
)

// NoStore answers the store activities as an empty store would.
type NoStore struct{}

// IndexContacts finds no standing opt-out.
func (NoStore) IndexContacts(context.Context, activities.ContactsRequest) (activities.ContactsResult, error) {
	return activities.ContactsResult{}, nil
}

// RecordOptOut records nothing.
func (NoStore) RecordOptOut(context.Context, activities.OptOutRequest) error { return nil }

// LookupPerson knows nobody beyond their ID.
func (NoStore) LookupPerson(_ context.Context, r activities.PersonRequest) (activities.PersonResult, error) {
	return activities.PersonResult{ID: r.ID}, nil
}

// SyncCampaign files nothing: the test has no task index.
func (NoStore) SyncCampaign(context.Context, activities.CampaignRecord) error { return nil }

// CustomerHistory knows no earlier campaign: every customer is new.
func (NoStore) CustomerHistory(context.Context, activities.HistoryRequest) (activities.HistoryResult, error) {
	return activities.HistoryResult{}, nil
}
