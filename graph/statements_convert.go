package graph

import (
	"encoding/json"
	"math"

	"github.com/fingraph/fingraph/graph/model"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
)

// fraudModel turns a stored fraud analysis into its GraphQL shape; an
// upload without one (or an unreadable one) has none.
func fraudModel(doc models.JSON) *model.FraudAnalysis {
	var fa provider.FraudAnalysis
	if len(doc) == 0 || json.Unmarshal(doc, &fa) != nil {
		return nil
	}
	out := &model.FraudAnalysis{Done: fa.Done, Message: optString(fa.Message), Documents: []model.FraudDocument{}}
	for _, d := range fa.Documents {
		doc := model.FraudDocument{Status: d.Status, Results: []model.FraudResult{}}
		for _, r := range d.Results {
			res := model.FraudResult{DocumentType: r.DocumentType, Signals: []model.FraudSignal{}}
			for _, sg := range r.Signals {
				out.FraudDetected = true
				res.Signals = append(res.Signals, signalModel(sg))
			}
			doc.Results = append(doc.Results, res)
		}
		out.Documents = append(out.Documents, doc)
	}
	return out
}

func signalModel(sg provider.FraudSignal) model.FraudSignal {
	out := model.FraudSignal{Type: sg.Type, PageNumber: clamp32(sg.PageNumber), Count: clamp32(sg.Count),
		Details: []model.FraudDetail{}}
	for _, d := range sg.Details {
		out.Details = append(out.Details, model.FraudDetail{SpecificType: d.SpecificType, Value: d.Value, DataType: d.DataType})
	}
	return out
}

// clamp32 fits a provider count into GraphQL's Int.
func clamp32(n int) int32 { return int32(max(min(n, math.MaxInt32), math.MinInt32)) }
