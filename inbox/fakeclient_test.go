package inbox

import (
	"context"
	"encoding/json"
	"strings"
	"sync"

	"go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/winback/winback/workflows"
)

// fakeClient keeps campaign statuses in a map and records every Update and Signal. Methods the
// inbox does not call are left to the embedded nil interface (they would panic).
type fakeClient struct {
	client.Client

	mu       sync.Mutex
	status   map[string]workflows.CampaignStatus // workflow ID -> status query answer
	inputs   map[string]workflows.CampaignInput
	updates  []client.UpdateWorkflowOptions
	signals  []signalCall
	updateFn func(client.UpdateWorkflowOptions) (any, error)
	queries  []string
}

type signalCall struct {
	workflowID, name string
	arg              any
}

func newFakeClient(campaigns ...workflows.CampaignStatus) *fakeClient {
	f := &fakeClient{status: map[string]workflows.CampaignStatus{}, inputs: map[string]workflows.CampaignInput{}}
	for _, st := range campaigns {
		f.status[workflows.WorkflowID(st.CustomerID)] = st
	}
	f.updateFn = func(o client.UpdateWorkflowOptions) (any, error) {
		return workflows.CompleteTaskResult{TaskID: o.Args[0].(workflows.CompleteTaskRequest).TaskID, Next: "Next: something sensible."}, nil
	}
	return f
}

func (f *fakeClient) ListWorkflow(_ context.Context, req *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries = append(f.queries, req.GetQuery())
	resp := &workflowservice.ListWorkflowExecutionsResponse{}
	for id, st := range f.status {
		if st.Stage != workflows.StageClosed {
			resp.Executions = append(resp.Executions, &workflow.WorkflowExecutionInfo{Execution: &common.WorkflowExecution{WorkflowId: id, RunId: "run-1"}})
		}
	}
	return resp, nil
}

func (f *fakeClient) QueryWorkflow(_ context.Context, id, _ string, queryType string, _ ...any) (converter.EncodedValue, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, ok := f.status[id]
	if !ok || queryType != workflows.QueryStatus {
		return nil, serviceerror.NewNotFound("workflow not found for ID: " + id)
	}
	return fakeValue{st}, nil
}

func (f *fakeClient) UpdateWorkflow(_ context.Context, o client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, o)
	if st, ok := f.status[o.WorkflowID]; !ok || st.Stage == workflows.StageClosed {
		return nil, serviceerror.NewNotFound("workflow execution already completed")
	}
	res, err := f.updateFn(o)
	return fakeHandle{res, err}, nil
}

func (f *fakeClient) SignalWorkflow(_ context.Context, id, _, name string, arg any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if st, ok := f.status[id]; !ok || st.Stage == workflows.StageClosed {
		return serviceerror.NewNotFound("workflow execution already completed")
	}
	f.signals = append(f.signals, signalCall{id, name, arg})
	return nil
}

func (f *fakeClient) GetWorkflowHistory(_ context.Context, id, _ string, _ bool, _ enums.HistoryEventFilterType) client.HistoryEventIterator {
	f.mu.Lock()
	defer f.mu.Unlock()
	in, ok := f.inputs[id]
	if !ok {
		in = workflows.CampaignInput{Customer: workflows.Customer{ID: strings.TrimPrefix(id, "winback:"), Name: "Dana Reyes",
			Company: "Acme Corp", Email: "dana@acme.example", Phone: "+12125550142", AccountValue: 48000}}
	}
	payloads, err := converter.GetDefaultDataConverter().ToPayloads(in)
	if err != nil {
		panic(err)
	}
	ev := &historypb.HistoryEvent{Attributes: &historypb.HistoryEvent_WorkflowExecutionStartedEventAttributes{
		WorkflowExecutionStartedEventAttributes: &historypb.WorkflowExecutionStartedEventAttributes{Input: payloads}}}
	return &fakeIterator{events: []*historypb.HistoryEvent{ev}}
}

// sent returns what the fake received, for assertions.
func (f *fakeClient) sent() ([]client.UpdateWorkflowOptions, []signalCall) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]client.UpdateWorkflowOptions(nil), f.updates...), append([]signalCall(nil), f.signals...)
}

func (f *fakeClient) setStatus(st workflows.CampaignStatus) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status[workflows.WorkflowID(st.CustomerID)] = st
}

type fakeIterator struct{ events []*historypb.HistoryEvent }

func (it *fakeIterator) HasNext() bool { return len(it.events) > 0 }
func (it *fakeIterator) Next() (*historypb.HistoryEvent, error) {
	ev := it.events[0]
	it.events = it.events[1:]
	return ev, nil
}

// fakeValue is a query result, encoded as JSON like the real converter would.
type fakeValue struct{ v any }

func (v fakeValue) HasValue() bool { return true }
func (v fakeValue) Get(ptr any) error {
	data, err := json.Marshal(v.v)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, ptr)
}

// fakeHandle is a finished Update.
type fakeHandle struct {
	res any
	err error
}

func (h fakeHandle) WorkflowID() string { return "" }
func (h fakeHandle) RunID() string      { return "" }
func (h fakeHandle) UpdateID() string   { return "" }
func (h fakeHandle) Get(_ context.Context, ptr any) error {
	if h.err != nil {
		return h.err
	}
	if ptr == nil {
		return nil
	}
	return fakeValue{h.res}.Get(ptr)
}
