package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

// claimsCmd runs `central admin claims ...`: list, show, submit, paid,
// reject and export brand warranty claims.
func claimsCmd(ctx context.Context, c *adminClient, args []string, stdout io.Writer) error {
	if err := need(args, 1, "claims list|show|submit|paid|reject|export ..."); err != nil {
		return err
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "list":
		q, _, err := claimQuery("list", args)
		if err != nil {
			return err
		}
		for after := ""; ; {
			qq := q
			if after != "" {
				qq.Set("after", after)
			}
			var page central.ClaimPage
			if err := c.json(ctx, http.MethodGet, "/v1/admin/claims?"+qq.Encode(), nil, &page); err != nil {
				return err
			}
			for _, cl := range page.Claims {
				flags := strings.Join(cl.Flags.MissingEvidence, ",")
				if cl.Flags.DefectiveNotShipped {
					flags = strings.TrimPrefix(flags+",defective_not_shipped", ",")
				}
				fmt.Fprintf(stdout, "%s  %s  %s  %s  %-9s  %s  %s\n", cl.ID, cl.Number, cl.Brand, cl.Period, cl.State, cl.Amount, flags)
			}
			if after = page.Next; after == "" {
				return nil
			}
		}
	case "show":
		if err := need(args, 1, "claims show CLAIM"); err != nil {
			return err
		}
		return c.json(ctx, http.MethodGet, "/v1/admin/claims/"+url.PathEscape(args[0]), nil, nil)
	case "submit", "paid", "reject":
		usage := map[string]string{"submit": "claims submit CLAIM [-ref BRAND_REF]", "paid": "claims paid CLAIM AMOUNT [-ref BRAND_REF]", "reject": "claims reject CLAIM REASON [-ref BRAND_REF]"}[sub]
		n := 2
		if sub == "submit" {
			n = 1
		}
		if err := need(args, n, usage); err != nil {
			return err
		}
		sfs := flag.NewFlagSet(sub, flag.ContinueOnError)
		ref := sfs.String("ref", "", "the brand's reference for the claim")
		if err := parseFlags(sfs, args[n:]); err != nil {
			return err
		}
		u := app.ClaimUpdate{BrandRef: *ref}
		switch sub {
		case "reject":
			u.Reason = args[1]
		case "paid":
			var cl central.Claim
			if err := c.json(ctx, http.MethodGet, "/v1/admin/claims/"+url.PathEscape(args[0]), nil, &cl); err != nil {
				return err
			}
			amount, err := parseAmount(args[1])
			if err != nil {
				return err
			}
			u.Paid = app.Money{Amount: amount, Currency: cl.Amount.Currency}
		}
		return c.json(ctx, http.MethodPost, "/v1/admin/claims/"+url.PathEscape(args[0])+"/"+sub, u, nil)
	case "export":
		if err := need(args, 2, "claims export csv|zip FILE [-brand B] [-from YYYY-MM] [-to YYYY-MM] [-state S] [-lang L]"); err != nil {
			return err
		}
		format, file := args[0], args[1]
		if format != "csv" && format != "zip" {
			return app.Errorf(app.EINVALID, "central.bad_export_format", "Export as csv or zip: central admin claims export csv|zip FILE.")
		}
		q, lang, err := claimQuery("export", args[2:])
		if err != nil {
			return err
		}
		if lang != "" {
			q.Set("lang", lang)
		}
		n, err := c.download(ctx, "/v1/admin/claims/export."+format+"?"+q.Encode(), file)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d bytes written to %s\n", n, file)
		return nil
	}
	return app.Errorf(app.EINVALID, "central.unknown_command", "Unknown admin command {{.Command}}; run central help.", "Command", "claims "+sub)
}

// claimQuery reads the filter flags of claims list and export.
func claimQuery(name string, args []string) (url.Values, string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	brand := fs.String("brand", "", "only this brand's claims")
	from := fs.String("from", "", "from this month of closing (YYYY-MM)")
	to := fs.String("to", "", "to this month of closing (YYYY-MM), inclusive")
	state := fs.String("state", "", "only claims in this state: ready, submitted, paid, rejected")
	lang := fs.String("lang", "", "the export's language: en, zh-Hans, fr, es, pt")
	if err := parseFlags(fs, args); err != nil {
		return nil, "", err
	}
	q := url.Values{}
	for k, v := range map[string]string{"brand": *brand, "from": *from, "to": *to, "state": *state} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q, *lang, nil
}

// parseAmount reads an amount as people write it ("1234.5", "1234.50",
// "1234") into minor units.
func parseAmount(s string) (int64, error) {
	whole, frac, _ := strings.Cut(strings.TrimSpace(s), ".")
	bad := app.Errorf(app.EINVALID, "central.bad_amount", "{{.Amount}} is not an amount: write it like 1234.50.", "Amount", s)
	if len(frac) > 2 || whole == "" {
		return 0, bad
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > 1e10 {
		return 0, bad
	}
	f := int64(0)
	if frac != "" {
		if f, err = strconv.ParseInt(frac+strings.Repeat("0", 2-len(frac)), 10, 64); err != nil || f < 0 {
			return 0, bad
		}
	}
	return w*100 + f, nil
}

// download writes an export to file, streaming: a ZIP of photos does not
// fit the 64 MB an answer is otherwise read into. A partial file is
// removed.
func (c *adminClient) download(ctx context.Context, path, file string) (n int64, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(c.server, "/")+path, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := c.hc.Do(req)
	if err != nil {
		return 0, app.Errorf(app.EOFFLINE, "central.unreachable", "Cannot reach the service at {{.URL}}: is it running?", "URL", c.server).WithCause(err)
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		raw, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		return 0, errorAnswer(res.StatusCode, raw)
	}
	f, err := os.Create(file)
	if err != nil {
		return 0, err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(file)
		}
	}()
	return io.Copy(f, res.Body)
}
