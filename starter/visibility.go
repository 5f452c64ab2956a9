package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/api/common/v1"
	"go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/winback/winback/config"
	"github.com/winback/winback/workflows"
)

// Visibility: list, tasks and report read campaigns through Temporal's visibility store, by
// WorkflowType and the WinBack* search attributes. It is eventually consistent: a campaign
// that just changed stage may show its old stage for a moment.

// campaignQuery starts every visibility query: only campaigns.
var campaignQuery = fmt.Sprintf("WorkflowType = '%s'", workflows.WorkflowType)

// clause is one condition of a visibility query: `WinBackStage = 'decision'`. The value must
// already be checked by checkQueryValue.
func clause(attr, value string) string {
	return fmt.Sprintf("%s = '%s'", attr, value)
}

// checkQueryValue refuses values that could not be quoted in a visibility query.
func checkQueryValue(flag, value string) error {
	if strings.ContainsAny(value, `'"\`) || strings.TrimSpace(value) != value || value == "" {
		return badInputf("--%s %q: give a value without quotes, backslashes or surrounding spaces", flag, value)
	}
	return nil
}

// queryTime formats a time for a visibility query.
func queryTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// listCampaigns pages through the campaigns a query finds, calling fn for each, until fn
// returns false or limit executions were seen (0: no limit).
func (a *app) listCampaigns(ctx context.Context, c client.Client, cfg *config.Config, query string, limit int,
	fn func(*workflow.WorkflowExecutionInfo) bool) error {
	var token []byte
	seen := 0
	for {
		pageSize := 1000
		if limit > 0 {
			pageSize = min(pageSize, limit-seen)
		}
		callCtx, cancel := a.call(ctx)
		resp, err := c.ListWorkflow(callCtx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace:     namespace(cfg),
			PageSize:      int32(pageSize),
			NextPageToken: token,
			Query:         query,
		})
		cancel()
		if err != nil {
			return fmt.Errorf("list campaigns (query %s): %w", query, err)
		}
		for _, info := range resp.GetExecutions() {
			seen++
			if !fn(info) || (limit > 0 && seen >= limit) {
				return nil
			}
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			return nil
		}
	}
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

// campaignRow is one campaign run as visibility shows it: what list and report work on.
type campaignRow struct {
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

// newCampaignRow reads a visibility record.
func newCampaignRow(info *workflow.WorkflowExecutionInfo) campaignRow {
	sa := info.GetSearchAttributes()
	row := campaignRow{
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
		row.CustomerID = strings.TrimPrefix(row.WorkflowID, workflows.WorkflowID(""))
	}
	return row
}
