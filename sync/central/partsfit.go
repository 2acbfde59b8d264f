package central

import (
	"context"

	"github.com/fieldbench/fieldbench/app"
)

// PartsFitting lists, for each of models, the tenant's catalog parts
// listed for it (app.Part.Fits), in part-number order: the console offers
// them as the substitutes of a part request, which part.decide_request
// accepts only when they fit the ticket's model. One read of the parts
// that list any model, whatever the number of models.
func (db *DB) PartsFitting(ctx context.Context, tenant string, models []string) (map[string][]app.Part, error) {
	out := make(map[string][]app.Part, len(models))
	if len(models) == 0 {
		return out, nil
	}
	ps, err := allEntities[app.Part](ctx, db, tenant, kindPart, `"models":["`)
	if err != nil {
		return nil, err
	}
	for _, m := range models {
		if _, done := out[m]; done {
			continue
		}
		fit := []app.Part{}
		for _, p := range ps {
			if p.Fits(m) {
				fit = append(fit, p)
			}
		}
		out[m] = fit
	}
	return out, nil
}
