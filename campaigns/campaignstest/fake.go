// Package campaignstest fakes the campaigns client for the tests of its users (the CLI, the
// inbox, the webhooks): campaigns live in memory, and every call is recorded.
package campaignstest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"go.temporal.io/api/enums/v1"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/report"
	"github.com/winback/winback/store"
	"github.com/winback/winback/workflows"
)

// ErrDown is what every call returns while the fake is Down: Temporal cannot be reached.
var ErrDown = errors.New("connection refused: Temporal is unreachable")

// Campaign is one customer's campaign in the fake.
type Campaign struct {
	// Status is what its status query answers; Status.CustomerID names the customer.
	Status workflows.CampaignStatus
	// Input is what it started with; a sample customer when left empty.
	Input workflows.CampaignInput
	// Running is false once it closed: signals and Updates then fail with ErrClosed.
	Running bool
	// Outcome is how it closed.
	Outcome workflows.Outcome
	// Contacts are its contact keys (WinBackContact).
	Contacts []string
	// Silent campaigns do not answer their status query (the worker is stuck).
	Silent bool
}

// Call is one Update or Signal the fake received.
type Call struct {
	CustomerID string
	Name       string // workflows.UpdateCompleteTask, workflows.SignalOptOut...
	Arg        any
}

// Start is one campaign start the fake received.
type Start struct {
	Input  workflows.CampaignInput
	Policy campaigns.StartPolicy
}

// Fake is an in-memory campaigns.API. Set it up through its fields and methods before the code
// under test runs; read what it received with its snapshot methods.
type Fake struct {
	mu        sync.Mutex
	campaigns map[string]*Campaign

	// Listed, when set, is what Campaigns returns whatever the filter (a visibility view with
	// rows the map does not hold: closed runs, continued runs...).
	Listed []campaigns.Campaign
	// CompleteFn and ReassignFn answer the Updates; nil gives a plausible result.
	CompleteFn func(customerID string, r workflows.CompleteTaskRequest) (workflows.CompleteTaskResult, error)
	ReassignFn func(customerID string, r workflows.ReassignRequest) (workflows.ReassignResult, error)
	// MakeOfferFn answers the MakeOffer Update; nil makes the offer: it is added, open, to the
	// campaign's Status.Offers with the next ID ("offer-2" after one).
	MakeOfferFn func(customerID string, r workflows.MakeOfferRequest) (workflows.MakeOfferResult, error)
	// Attributes are the namespace's custom search attributes.
	Attributes map[string]enums.IndexedValueType
	// Down makes every call fail with ErrDown; FailSignalsAfter > 0 fails the signals after
	// that many.
	Down             bool
	FailSignalsAfter int
	// Now is the fake's clock (when a closed campaign closed, a task list's now); time.Now
	// when nil.
	Now func() time.Time
	// Facts are the store's campaign records, added up, that Report reports on.
	Facts store.ReportFacts

	starts        []Start
	updates       []Call
	signals       []Call
	filters       []campaigns.Filter
	taskFilters   []campaigns.TaskFilter
	reportFilters []campaigns.ReportFilter
	added         map[string]enums.IndexedValueType
}

var _ campaigns.API = (*Fake)(nil)

// New returns a Fake holding the given campaigns: running unless their stage is closed.
func New(statuses ...workflows.CampaignStatus) *Fake {
	f := &Fake{campaigns: map[string]*Campaign{}}
	for _, st := range statuses {
		f.Put(Campaign{Status: st, Running: st.Stage != workflows.StageClosed, Outcome: st.Outcome})
	}
	return f
}

// SetDown makes every call fail with ErrDown, or not.
func (f *Fake) SetDown(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Down = down
}

// Put adds or replaces a campaign.
func (f *Fake) Put(c Campaign) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.campaigns[c.Status.CustomerID] = &c
}

// SetStatus replaces a campaign's status, keeping the rest.
func (f *Fake) SetStatus(st workflows.CampaignStatus) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.get(st.CustomerID)
	c.Status = st
	c.Running = st.Stage != workflows.StageClosed
}

// SetRunning makes each customer's campaign run (one with an empty status when new).
func (f *Fake) SetRunning(customerIDs ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range customerIDs {
		f.get(id).Running = true
	}
}

// Close closes a customer's campaign with an outcome.
func (f *Fake) Close(customerID string, outcome workflows.Outcome) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.get(customerID)
	c.Running, c.Outcome = false, outcome
}

// Edit changes a campaign under the fake's lock (for a test whose fake is in use).
func (f *Fake) Edit(customerID string, edit func(*Campaign)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	edit(f.get(customerID))
}

// get returns the customer's campaign, adding an empty one (not running) when missing.
func (f *Fake) get(id string) *Campaign {
	c, ok := f.campaigns[id]
	if !ok {
		c = &Campaign{Status: workflows.CampaignStatus{CustomerID: id}}
		f.campaigns[id] = c
	}
	return c
}

// Starts returns the campaign starts received.
func (f *Fake) Starts() []Start {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.starts)
}

// Updates returns the Updates received, in order.
func (f *Fake) Updates() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.updates)
}

// Signals returns the signals received, in order.
func (f *Fake) Signals() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.signals)
}

// Filters returns the filters Campaigns and Count were called with, in order.
func (f *Fake) Filters() []campaigns.Filter {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.filters)
}

// TaskFilters returns the filters Tasks was called with, in order.
func (f *Fake) TaskFilters() []campaigns.TaskFilter {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.taskFilters)
}

// Added returns the search attributes SetUpSearchAttributes added (nil when none).
func (f *Fake) Added() map[string]enums.IndexedValueType {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.added)
}

func (f *Fake) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// reach finds a running campaign for a signal or an Update, or fails as the Client does.
func (f *Fake) reach(id string) (*Campaign, error) {
	c, ok := f.campaigns[id]
	switch {
	case f.Down:
		return nil, ErrDown
	case !ok:
		return nil, fmt.Errorf("%w: workflow not found for ID: %s", campaigns.ErrNotFound, workflows.WorkflowID(id))
	case !c.Running:
		return nil, fmt.Errorf("%w: workflow execution already completed", campaigns.ErrClosed)
	}
	return c, nil
}

// Start starts a campaign unless one runs (or, with FirstOnly, one closed).
func (f *Fake) Start(_ context.Context, in workflows.CampaignInput, policy campaigns.StartPolicy) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Down {
		return "", ErrDown
	}
	id := in.Customer.ID
	c, had := f.campaigns[id]
	switch {
	case had && c.Running:
		return "", fmt.Errorf("customer %s: %w (workflow %s)", id, campaigns.ErrAlreadyRunning, workflows.WorkflowID(id))
	case had && policy == campaigns.FirstOnly:
		return "", &campaigns.ClosedBeforeError{CustomerID: id, Ended: string(c.Outcome), Closed: f.now()}
	}
	f.starts = append(f.starts, Start{Input: in, Policy: policy})
	f.campaigns[id] = &Campaign{Running: true, Input: in, Contacts: in.ContactKeys,
		Status: workflows.CampaignStatus{CustomerID: id, Stage: workflows.StageBackstory, Rep: in.Owners.Rep.ID, Manager: in.Owners.Manager.ID}}
	return "run-" + id, nil
}

// Status answers the campaign's status query.
func (f *Fake) Status(_ context.Context, customerID string) (workflows.CampaignStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.campaigns[customerID]
	switch {
	case f.Down:
		return workflows.CampaignStatus{}, ErrDown
	case !ok:
		return workflows.CampaignStatus{}, fmt.Errorf("%w: workflow not found for ID: %s", campaigns.ErrNotFound, workflows.WorkflowID(customerID))
	case c.Silent:
		return workflows.CampaignStatus{}, fmt.Errorf("%w: the worker did not answer", campaigns.ErrTimeout)
	}
	return c.Status, nil
}

// Statuses answers each campaign's status query.
func (f *Fake) Statuses(ctx context.Context, customerIDs []string) ([]workflows.CampaignStatus, []campaigns.Failure) {
	var out []workflows.CampaignStatus
	var failures []campaigns.Failure
	for _, id := range customerIDs {
		st, err := f.Status(ctx, id)
		if err != nil {
			failures = append(failures, campaigns.Failure{CustomerID: id, Err: err})
			continue
		}
		out = append(out, st)
	}
	return out, failures
}

// Input is the campaign's input: its Input, or a sample customer.
func (f *Fake) Input(_ context.Context, customerID string) (workflows.CampaignInput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.campaigns[customerID]
	switch {
	case f.Down:
		return workflows.CampaignInput{}, ErrDown
	case !ok:
		return workflows.CampaignInput{}, fmt.Errorf("%w: %s", campaigns.ErrNotFound, customerID)
	case c.Input.Customer.ID != "":
		return c.Input, nil
	}
	return workflows.CampaignInput{Customer: workflows.Customer{ID: customerID, Name: "Dana Reyes", Company: "Acme Corp",
		Email: "dana@acme.example", Phone: "+12125550142", AccountValue: 48000}}, nil
}

// Complete records the Update and answers it with CompleteFn.
func (f *Fake) Complete(_ context.Context, customerID string, r workflows.CompleteTaskRequest) (workflows.CompleteTaskResult, error) {
	f.mu.Lock()
	f.updates = append(f.updates, Call{customerID, workflows.UpdateCompleteTask, r})
	_, err := f.reach(customerID)
	fn := f.CompleteFn
	f.mu.Unlock()
	switch {
	case err != nil:
		return workflows.CompleteTaskResult{}, err
	case fn != nil:
		return fn(customerID, r)
	}
	return workflows.CompleteTaskResult{TaskID: r.TaskID, Next: "Next: something sensible."}, nil
}

// Reassign records the Update and answers it with ReassignFn.
func (f *Fake) Reassign(_ context.Context, customerID string, r workflows.ReassignRequest) (workflows.ReassignResult, error) {
	f.mu.Lock()
	f.updates = append(f.updates, Call{customerID, workflows.UpdateReassignTask, r})
	_, err := f.reach(customerID)
	fn := f.ReassignFn
	f.mu.Unlock()
	switch {
	case err != nil:
		return workflows.ReassignResult{}, err
	case fn != nil:
		return fn(customerID, r)
	}
	moved := []string{r.TaskID}
	if r.TaskID == "" {
		moved = []string{"the account"}
	}
	return workflows.ReassignResult{Moved: moved, Next: r.To + " now owns " + strings.Join(moved, ", ")}, nil
}

// MakeOffer records the Update and answers it with MakeOfferFn, or makes the offer.
func (f *Fake) MakeOffer(_ context.Context, customerID string, r workflows.MakeOfferRequest) (workflows.MakeOfferResult, error) {
	f.mu.Lock()
	f.updates = append(f.updates, Call{customerID, workflows.UpdateMakeOffer, r})
	c, err := f.reach(customerID)
	fn := f.MakeOfferFn
	if err == nil && fn == nil {
		id := fmt.Sprintf("offer-%d", len(c.Status.Offers)+1)
		c.Status.Offers = append(c.Status.Offers, workflows.OfferState{ID: id, Kind: r.Offer, Status: workflows.OfferOpen,
			Details: r.Details, Value: r.Value, Until: r.Until, Figures: slices.Clone(r.Figures), MadeBy: r.By, Made: f.now(), Override: r.Override})
		f.mu.Unlock()
		return workflows.MakeOfferResult{OfferID: id, Next: "the customer gets the offer with its link"}, nil
	}
	f.mu.Unlock()
	if err != nil {
		return workflows.MakeOfferResult{}, err
	}
	return fn(customerID, r)
}

// CustomerReturned records the signal.
func (f *Fake) CustomerReturned(_ context.Context, id string, s workflows.CustomerReturnedSignal) error {
	return f.signal(id, workflows.SignalCustomerReturned, s)
}

// OptOut records the signal.
func (f *Fake) OptOut(_ context.Context, id string, s workflows.OptOutSignal) error {
	return f.signal(id, workflows.SignalOptOut, s)
}

// OptIn records the signal.
func (f *Fake) OptIn(_ context.Context, id string, s workflows.OptInSignal) error {
	return f.signal(id, workflows.SignalOptIn, s)
}

// RecordOptOut records the opt-out as its signal (the fake keeps no store).
func (f *Fake) RecordOptOut(_ context.Context, id string, r campaigns.ConsentRequest) error {
	return f.signal(id, workflows.SignalOptOut, workflows.OptOutSignal{Channel: r.Channel, Source: consentSource(r)})
}

// RecordOptIn records the opt-in as its signal, refusing one without who and why.
func (f *Fake) RecordOptIn(_ context.Context, id string, r campaigns.ConsentRequest) error {
	if r.By == "" || r.Why == "" {
		return campaigns.ErrInvalidRequest
	}
	return f.signal(id, workflows.SignalOptIn, workflows.OptInSignal{Channel: r.Channel, Source: consentSource(r)})
}

func consentSource(r campaigns.ConsentRequest) string {
	if r.Source != "" {
		return r.Source
	}
	return "by hand: " + r.By
}

// Cancel records the signal.
func (f *Fake) Cancel(_ context.Context, id string, s workflows.CancelSignal) error {
	return f.signal(id, workflows.SignalCancel, s)
}

// MessageEvent records the signal.
func (f *Fake) MessageEvent(_ context.Context, id string, s workflows.MessageEventSignal) error {
	return f.signal(id, workflows.SignalMessageEvent, s)
}

// CustomerReplied records the signal.
func (f *Fake) CustomerReplied(_ context.Context, id string, s workflows.CustomerRepliedSignal) error {
	return f.signal(id, workflows.SignalCustomerReplied, s)
}

// RespondToOffer records the signal.
func (f *Fake) RespondToOffer(_ context.Context, id string, s workflows.OfferResponseSignal) error {
	return f.signal(id, workflows.SignalOfferResponse, s)
}

func (f *Fake) signal(id, name string, arg any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.FailSignalsAfter > 0 && len(f.signals) >= f.FailSignalsAfter {
		return ErrDown
	}
	if _, err := f.reach(id); err != nil {
		return err
	}
	f.signals = append(f.signals, Call{id, name, arg})
	return nil
}

// Campaigns returns Listed when set, else the campaigns the filter keeps, by customer ID.
func (f *Fake) Campaigns(_ context.Context, filter campaigns.Filter, _ campaigns.Page) (campaigns.CampaignPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Down {
		return campaigns.CampaignPage{}, ErrDown
	}
	f.filters = append(f.filters, filter)
	if f.Listed != nil {
		return campaigns.CampaignPage{Campaigns: slices.Clone(f.Listed)}, nil
	}
	var page campaigns.CampaignPage
	for _, id := range slices.Sorted(maps.Keys(f.campaigns)) {
		if c := f.campaigns[id]; matches(c, filter) {
			page.Campaigns = append(page.Campaigns, row(c))
		}
	}
	return page, nil
}

// Count counts what Campaigns would list.
func (f *Fake) Count(ctx context.Context, filter campaigns.Filter) (int64, error) {
	page, err := f.Campaigns(ctx, filter, campaigns.Page{})
	return int64(len(page.Campaigns)), err
}

// Tasks lists the tasks of every campaign the filter keeps, as the store's task index would:
// from their statuses, with no call to any campaign (a Silent one is listed too).
func (f *Fake) Tasks(_ context.Context, filter campaigns.TaskFilter, p campaigns.Page) (campaigns.TaskList, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Down {
		return campaigns.TaskList{}, ErrDown
	}
	f.taskFilters = append(f.taskFilters, filter)
	if filter.Now.IsZero() {
		filter.Now = f.now()
	}
	var sts []workflows.CampaignStatus
	for _, id := range slices.Sorted(maps.Keys(f.campaigns)) {
		sts = append(sts, f.campaigns[id].Status)
	}
	return campaigns.BuildTaskList(sts, filter, p), nil
}

// Report is the report of the fake's Facts.
func (f *Fake) Report(_ context.Context, filter campaigns.ReportFilter) (report.Report, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Down {
		return report.Report{}, ErrDown
	}
	f.reportFilters = append(f.reportFilters, filter)
	facts := f.Facts
	if len(facts.Groups) == 0 {
		facts.Groups = []store.ReportGroup{{Dimension: store.DimAll}}
	}
	return report.Build(facts, filter.From, filter.To), nil
}

// RebuildIndex counts the campaigns a rebuild would file: the running ones (every one with
// o.Closed). The fake's task list reads the statuses, so there is nothing to file.
func (f *Fake) RebuildIndex(_ context.Context, o campaigns.RebuildOptions) (campaigns.RebuildReport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Down {
		return campaigns.RebuildReport{}, ErrDown
	}
	var r campaigns.RebuildReport
	for _, id := range slices.Sorted(maps.Keys(f.campaigns)) {
		c := f.campaigns[id]
		switch {
		case !c.Running && !o.Closed:
			continue
		case c.Silent:
			r.Failures = append(r.Failures, campaigns.Failure{CustomerID: id, Err: fmt.Errorf("%w: the worker did not answer", campaigns.ErrTimeout)})
		default:
			r.Filed++
		}
		r.Campaigns++
		if o.Progress != nil {
			o.Progress(r.Campaigns, r.Campaigns)
		}
	}
	return r, nil
}

// ReportFilters returns the filters Report was called with, in order.
func (f *Fake) ReportFilters() []campaigns.ReportFilter {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.reportFilters)
}

// SetUpSearchAttributes adds what Attributes lacks, as the Client does on a namespace.
func (f *Fake) SetUpSearchAttributes(context.Context) (campaigns.AttributePlan, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	existing := maps.Clone(f.Attributes)
	if existing == nil {
		existing = map[string]enums.IndexedValueType{}
	}
	existing["WorkflowType"] = enums.INDEXED_VALUE_TYPE_KEYWORD
	plan := campaigns.PlanAttributes(workflows.SearchAttributeTypes, existing)
	plan.Namespace = "default"
	if len(plan.Conflicts) > 0 {
		return plan, fmt.Errorf("namespace default: nothing added, %s", strings.Join(plan.Conflicts, "; "))
	}
	if len(plan.Add) > 0 {
		f.added = maps.Clone(plan.Add)
		merged := maps.Clone(f.Attributes) // the test's map stays as it gave it
		if merged == nil {
			merged = map[string]enums.IndexedValueType{}
		}
		maps.Copy(merged, plan.Add)
		f.Attributes = merged
	}
	return plan, nil
}

// matches reports whether a campaign is one the filter keeps (status, stage, people, contact).
func matches(c *Campaign, f campaigns.Filter) bool {
	st := c.Status
	people := workflows.People(st.Rep, st.Manager, st.Tasks)
	switch {
	case f.Status == campaigns.Running && !c.Running, f.Status == campaigns.Closed && c.Running:
		return false
	case f.Stage != "" && st.Stage != f.Stage, f.Outcome != "" && c.Outcome != f.Outcome:
		return false
	case len(f.People) > 0 && !slices.ContainsFunc(f.People, func(p string) bool { return slices.Contains(people, p) }):
		return false
	case f.Contact != "" && !slices.Contains(c.Contacts, f.Contact):
		return false
	}
	return true
}

// row is a campaign as visibility would show it.
func row(c *Campaign) campaigns.Campaign {
	r := campaigns.Campaign{CustomerID: c.Status.CustomerID, WorkflowID: workflows.WorkflowID(c.Status.CustomerID),
		RunID: "run-1", Status: campaigns.StatusRunning, Stage: string(c.Status.Stage), Outcome: string(c.Outcome),
		Start: c.Status.Launched}
	if !c.Running {
		r.Status = "completed"
	}
	return r
}
