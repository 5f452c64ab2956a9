package campaigns

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/api/common/v1"
	"go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"

	"github.com/winback/winback/workflows"
)

// Campaigns are read from Temporal's visibility store, by WorkflowType and the WinBack* search
// attributes. It is eventually consistent: a campaign that just changed stage may show its old
// stage for a moment.

// Page asks for one page: at most Size items (0: as many as one call brings), from Token
// (empty: the first page).
type Page struct {
	Size  int
	Token []byte
}

// CampaignPage is one page of campaigns; Next is the token of the next one, empty after the last.
type CampaignPage struct {
	Campaigns []Campaign
	Next      []byte
}

// Campaign is one campaign run as visibility shows it.
type Campaign struct {
	CustomerID string    `json:"customerId"`
	WorkflowID string    `json:"workflowId"`
	RunID      string    `json:"runId"`
	Status     string    `json:"status"` // running, completed, continued_as_new, terminated...
	Stage      string    `json:"stage,omitempty"`
	Assignee   string    `json:"assignee,omitempty"`
	TaskDue    time.Time `json:"taskDue,omitzero"`
	Outcome    string    `json:"outcome,omitempty"`
	Reason     string    `json:"reason,omitempty"`
	Scope      string    `json:"scope,omitempty"`
	Segment    string    `json:"segment,omitempty"`
	Start      time.Time `json:"start"`
	Close      time.Time `json:"close,omitzero"`
}

// The run statuses of a Campaign that the report needs to tell apart.
const (
	StatusRunning        = "running"
	StatusContinuedAsNew = "continued_as_new"
)

// maxPageSize is the most runs one visibility call returns.
const maxPageSize = 1000

// Campaigns reads one page of the campaign runs the filter finds, newest first.
func (c *Client) Campaigns(ctx context.Context, f Filter, p Page) (CampaignPage, error) {
	size := p.Size
	if size <= 0 || size > maxPageSize {
		size = maxPageSize
	}
	query := f.Query()
	callCtx, cancel := c.call(ctx)
	defer cancel()
	resp, err := c.tc.ListWorkflow(callCtx, &workflowservice.ListWorkflowExecutionsRequest{
		Namespace: c.o.Namespace, PageSize: int32(size), NextPageToken: p.Token, Query: query,
	})
	if err != nil {
		return CampaignPage{}, fmt.Errorf("list campaigns (query %s): %w", query, classify(err))
	}
	page := CampaignPage{Next: resp.GetNextPageToken()}
	for _, info := range resp.GetExecutions() {
		page.Campaigns = append(page.Campaigns, campaignOf(info))
	}
	return page, nil
}

// Count counts the campaign runs the filter finds.
func (c *Client) Count(ctx context.Context, f Filter) (int64, error) {
	callCtx, cancel := c.call(ctx)
	defer cancel()
	resp, err := c.tc.CountWorkflow(callCtx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: c.o.Namespace, Query: f.Query()})
	if err != nil {
		return 0, fmt.Errorf("count campaigns: %w", classify(err))
	}
	return resp.GetCount(), nil
}

// Pager is the part of API that pages through campaigns.
type Pager interface {
	Campaigns(ctx context.Context, f Filter, p Page) (CampaignPage, error)
}

// Each calls fn for every campaign run the filter finds, page after page, until fn returns
// false or limit runs were seen (0: no limit).
func Each(ctx context.Context, api Pager, f Filter, limit int, fn func(Campaign) bool) error {
	var token []byte
	seen := 0
	for {
		size := maxPageSize
		if limit > 0 {
			size = min(size, limit-seen)
		}
		page, err := api.Campaigns(ctx, f, Page{Size: size, Token: token})
		if err != nil {
			return err
		}
		for _, row := range page.Campaigns {
			seen++
			if !fn(row) || (limit > 0 && seen >= limit) {
				return nil
			}
		}
		if token = page.Next; len(token) == 0 {
			return nil
		}
	}
}

// campaignOf reads a visibility record.
func campaignOf(info *workflow.WorkflowExecutionInfo) Campaign {
	sa := info.GetSearchAttributes()
	row := Campaign{
		CustomerID: keywordAttr(sa, workflows.AttrCustomerID.GetName()),
		WorkflowID: info.GetExecution().GetWorkflowId(),
		RunID:      info.GetExecution().GetRunId(),
		Status:     statusName(info.GetStatus()),
		Stage:      keywordAttr(sa, workflows.AttrStage.GetName()),
		Assignee:   keywordAttr(sa, workflows.AttrAssignee.GetName()),
		TaskDue:    timeAttr(sa, workflows.AttrTaskDue.GetName()),
		Outcome:    keywordAttr(sa, workflows.AttrOutcome.GetName()),
		Reason:     keywordAttr(sa, workflows.AttrReason.GetName()),
		Scope:      keywordAttr(sa, workflows.AttrScope.GetName()),
		Segment:    keywordAttr(sa, workflows.AttrSegment.GetName()),
		Start:      info.GetStartTime().AsTime(),
	}
	if info.GetCloseTime() != nil {
		row.Close = info.GetCloseTime().AsTime()
	}
	if row.CustomerID == "" {
		row.CustomerID, _ = workflows.CustomerID(row.WorkflowID)
	}
	return row
}

// keywordAttr reads a Keyword search attribute; empty when unset.
func keywordAttr(sa *common.SearchAttributes, name string) string {
	p := sa.GetIndexedFields()[name]
	if p == nil {
		return ""
	}
	var s string
	if err := converter.GetDefaultDataConverter().FromPayload(p, &s); err == nil {
		return s
	}
	var list []string // a KeywordList, or an older server's encoding
	if err := converter.GetDefaultDataConverter().FromPayload(p, &list); err == nil && len(list) > 0 {
		return list[0]
	}
	return ""
}

// timeAttr reads a Datetime search attribute; zero when unset.
func timeAttr(sa *common.SearchAttributes, name string) time.Time {
	var t time.Time
	if p := sa.GetIndexedFields()[name]; p != nil {
		_ = converter.GetDefaultDataConverter().FromPayload(p, &t)
	}
	return t
}
