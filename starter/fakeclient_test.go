package main

import (
	"bytes"
	"context"
	"encoding/json"

	"log/slog"
	"strings"
	"sync"
	"time"

	"go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/winback/winback/config"
	"github.com/winback/winback/workflows"
)

// fakeClient is a Temporal client that keeps campaigns in maps. Methods the CLI does not call
// are left to the embedded nil interface (they would panic).
type fakeClient struct {
	client.Client

	mu       sync.Mutex
	running  map[string]bool   // workflow ID -> a campaign is running
	closed   map[string]string // workflow ID -> the outcome of its closed campaign
	started  []workflows.CampaignInput
	opts     []client.StartWorkflowOptions
	status   map[string]workflows.CampaignStatus // customer ID -> status query answer
	updates  []client.UpdateWorkflowOptions
	updateFn func(client.UpdateWorkflowOptions) (any, error)
	signals  []signalCall
	queries  []string
	listed   []*workflow.WorkflowExecutionInfo
	operator *fakeOperator
}

// signalCall is one signal the fake received.
type signalCall struct {
	workflowID, name string
	arg              any
}

func newFakeClient() *fakeClient {
	return &fakeClient{running: map[string]bool{}, closed: map[string]string{}, status: map[string]workflows.CampaignStatus{}}
}

func (f *fakeClient) Close() {}

func (f *fakeClient) ExecuteWorkflow(_ context.Context, opts client.StartWorkflowOptions, _ any, args ...any) (client.WorkflowRun, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.running[opts.ID] {
		return nil, serviceerror.NewWorkflowExecutionAlreadyStarted("already started", "", "run-0")
	}
	if _, closed := f.closed[opts.ID]; closed && opts.WorkflowIDReusePolicy == enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE {
		return nil, serviceerror.NewWorkflowExecutionAlreadyStarted("workflow execution already finished and the reuse policy is REJECT_DUPLICATE", "", "run-0")
	}
	f.running[opts.ID] = true
	delete(f.closed, opts.ID)
	f.opts = append(f.opts, opts)
	f.started = append(f.started, args[0].(workflows.CampaignInput))
	return fakeRun{id: opts.ID}, nil
}

func (f *fakeClient) DescribeWorkflowExecution(_ context.Context, id, _ string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	info := &workflow.WorkflowExecutionInfo{Execution: &common.WorkflowExecution{WorkflowId: id, RunId: "run-1"}}
	switch outcome, closed := f.closed[id]; {
	case f.running[id]:
		info.Status = enums.WORKFLOW_EXECUTION_STATUS_RUNNING
	case closed:
		info.Status = enums.WORKFLOW_EXECUTION_STATUS_COMPLETED
		info.CloseTime = timestamppb.New(testNow)
		info.SearchAttributes = searchAttrs(map[string]any{"WinBackOutcome": outcome})
	default:
		return nil, serviceerror.NewNotFound("workflow not found for ID: " + id)
	}
	return &workflowservice.DescribeWorkflowExecutionResponse{WorkflowExecutionInfo: info}, nil
}

func (f *fakeClient) QueryWorkflow(_ context.Context, id, _ string, queryType string, _ ...any) (converter.EncodedValue, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, ok := f.status[strings.TrimPrefix(id, "winback:")]
	if !ok || queryType != workflows.QueryStatus {
		return nil, serviceerror.NewNotFound("workflow not found for ID: " + id)
	}
	return fakeValue{st}, nil
}

func (f *fakeClient) UpdateWorkflow(_ context.Context, opts client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, opts)
	if !f.running[opts.WorkflowID] {
		return nil, serviceerror.NewNotFound("workflow execution already completed")
	}
	res, err := f.updateFn(opts)
	return fakeHandle{res, err}, nil
}

func (f *fakeClient) SignalWorkflow(_ context.Context, id, _, name string, arg any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.running[id] {
		return serviceerror.NewNotFound("workflow execution already completed")
	}
	f.signals = append(f.signals, signalCall{id, name, arg})
	return nil
}

func (f *fakeClient) ListWorkflow(_ context.Context, req *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries = append(f.queries, req.GetQuery())
	return &workflowservice.ListWorkflowExecutionsResponse{Executions: f.listed}, nil
}

func (f *fakeClient) OperatorService() operatorservice.OperatorServiceClient { return f.operator }

// fakeRun is a started workflow run.
type fakeRun struct {
	client.WorkflowRun
	id string
}

func (r fakeRun) GetID() string    { return r.id }
func (r fakeRun) GetRunID() string { return "run-1" }

// fakeValue is a query result.
type fakeValue struct{ v any }

func (v fakeValue) HasValue() bool { return true }
func (v fakeValue) Get(ptr any) error {
	data, err := json.Marshal(v.v)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, ptr)
}

// fakeHandle is a completed update.
type fakeHandle struct {
	result any
	err    error
}

func (h fakeHandle) WorkflowID() string { return "" }
func (h fakeHandle) RunID() string      { return "" }
func (h fakeHandle) UpdateID() string   { return "" }
func (h fakeHandle) Get(_ context.Context, ptr any) error {
	if h.err != nil {
		return h.err
	}
	return fakeValue{h.result}.Get(ptr)
}

// fakeOperator keeps a namespace's search attributes.
type fakeOperator struct {
	operatorservice.OperatorServiceClient
	custom map[string]enums.IndexedValueType
	added  map[string]enums.IndexedValueType
}

func (o *fakeOperator) ListSearchAttributes(context.Context, *operatorservice.ListSearchAttributesRequest, ...grpc.CallOption) (*operatorservice.ListSearchAttributesResponse, error) {
	return &operatorservice.ListSearchAttributesResponse{
		CustomAttributes: o.custom,
		SystemAttributes: map[string]enums.IndexedValueType{"WorkflowType": enums.INDEXED_VALUE_TYPE_KEYWORD},
	}, nil
}

func (o *fakeOperator) AddSearchAttributes(_ context.Context, req *operatorservice.AddSearchAttributesRequest, _ ...grpc.CallOption) (*operatorservice.AddSearchAttributesResponse, error) {
	o.added = req.GetSearchAttributes()
	return &operatorservice.AddSearchAttributesResponse{}, nil
}

// searchAttrs encodes search attributes as the server returns them.
func searchAttrs(values map[string]any) *common.SearchAttributes {
	fields := map[string]*common.Payload{}
	for k, v := range values {
		p, err := converter.GetDefaultDataConverter().ToPayload(v)
		if err != nil {
			panic(err)
		}
		fields[k] = p
	}
	return &common.SearchAttributes{IndexedFields: fields}
}

// cli runs winback command lines against a fake Temporal.
type cli struct {
	fake   *fakeClient
	dialed int
}

func newCLI() *cli { return &cli{fake: newFakeClient()} }

// run runs one command line with stdin and returns its exit code, stdout and stderr.
func (c *cli) run(stdin string, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	a := newApp(strings.NewReader(stdin), &out, &errOut)
	a.loadConfig = func() (*config.Config, error) { return testConfig(), nil }
	a.dial = func(context.Context, *config.Config, *slog.Logger) (client.Client, error) {
		c.dialed++
		return c.fake, nil
	}
	a.now = func() time.Time { return testNow }
	code := a.run(args)
	return code, out.String(), errOut.String()
}
