package demo

import (
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// ruleSetsEffective is when the demo rule sets took effect.
var ruleSetsEffective = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// months is a Period of n calendar months.
func months(n int) app.Period { return app.Period{Months: n} }

// allExclusions are the conditions every demo country's rules exclude.
func allExclusions() []app.Exclusion {
	return []app.Exclusion{app.ExcludeLiquid, app.ExcludePhysical, app.ExcludeUnauthorized}
}

// cnRemedies are China's three-guarantees windows: a refund within 7 days
// and an exchange within 15 days of purchase, for a performance fault.
func cnRemedies() []app.RemedyWindow {
	return []app.RemedyWindow{{Remedy: app.RemedyRefund, Days: 7}, {Remedy: app.RemedyExchange, Days: 15}}
}

// RuleSets returns the demo world's warranty rule sets for China, Germany
// and Nigeria (version 1, effective 2025-01-01). Each call builds fresh
// values, so callers may change them.
//
// The periods follow each country's law or usual manufacturer practice,
// simplified: China's three guarantees (三包), the EU two-year legal
// guarantee, and Nigerian manufacturer warranties. Money is in minor units.
func RuleSets() []app.RuleSet {
	sets := []app.RuleSet{cn(), de(), ng()}
	for _, rs := range sets {
		for i := range rs.Rules {
			rs.Rules[i].LegalBasisTexts = legalBasisTexts(rs.Rules[i].LegalBasis)
		}
	}
	return sets
}

// legalBasisTexts returns the demo legal basis en in the app's other
// languages (a fresh map), nil for a text it does not know.
func legalBasisTexts(en string) map[string]string {
	t, ok := map[string][4]string{ // zh-Hans, fr, es, pt
		"China three guarantees for mobile phones (移动电话机商品修理更换退货责任规定)": {
			"移动电话机商品修理更换退货责任规定（三包）",
			"Trois garanties de Chine pour les téléphones mobiles (移动电话机商品修理更换退货责任规定)",
			"Tres garantías de China para teléfonos móviles (移动电话机商品修理更换退货责任规定)",
			"Três garantias da China para celulares (移动电话机商品修理更换退货责任规定)"},
		"China three guarantees for household appliances (部分商品修理更换退货责任规定)": {
			"部分商品修理更换退货责任规定（家用电器三包）",
			"Trois garanties de Chine pour l’électroménager (部分商品修理更换退货责任规定)",
			"Tres garantías de China para electrodomésticos (部分商品修理更换退货责任规定)",
			"Três garantias da China para eletrodomésticos (部分商品修理更换退货责任规定)"},
		"China three guarantees; Haier 5-year main-part promise": {
			"中国三包；海尔主要部件 5 年保修承诺",
			"Trois garanties de Chine; promesse Haier de 5 ans sur les pièces principales",
			"Tres garantías de China; promesa de Haier de 5 años en las piezas principales",
			"Três garantias da China; promessa Haier de 5 anos nas peças principais"},
		"China three guarantees; Haier 10-year inverter compressor promise": {
			"中国三包；海尔变频压缩机 10 年保修承诺",
			"Trois garanties de Chine; promesse Haier de 10 ans sur le compresseur inverter",
			"Tres garantías de China; promesa de Haier de 10 años en el compresor inverter",
			"Três garantias da China; promessa Haier de 10 anos no compressor inverter"},
		"China three guarantees for microcomputers (微型计算机商品修理更换退货责任规定)": {
			"微型计算机商品修理更换退货责任规定（三包）",
			"Trois garanties de Chine pour les micro-ordinateurs (微型计算机商品修理更换退货责任规定)",
			"Tres garantías de China para microcomputadoras (微型计算机商品修理更换退货责任规定)",
			"Três garantias da China para microcomputadores (微型计算机商品修理更换退货责任规定)"},
		"Manufacturer warranty (business product, outside 三包)": {
			"制造商保修（商用产品，不属于三包范围）",
			"Garantie constructeur (produit professionnel, hors 三包)",
			"Garantía del fabricante (producto profesional, fuera de 三包)",
			"Garantia do fabricante (produto empresarial, fora do 三包)"},
		"EU Directive 2019/771 legal guarantee (BGB §§ 434 ff., 438)": {
			"欧盟第 2019/771 号指令法定保修（德国民法典第 434 条及以下、第 438 条）",
			"Garantie légale de la directive UE 2019/771 (BGB §§ 434 et s., 438)",
			"Garantía legal de la Directiva UE 2019/771 (BGB §§ 434 y ss., 438)",
			"Garantia legal da Diretiva UE 2019/771 (BGB §§ 434 e segs., 438)"},
		"Manufacturer warranty (business product)": {
			"制造商保修（商用产品）",
			"Garantie constructeur (produit professionnel)",
			"Garantía del fabricante (producto profesional)",
			"Garantia do fabricante (produto empresarial)"},
		"Manufacturer warranty; Federal Competition and Consumer Protection Act 2018": {
			"制造商保修；2018 年联邦竞争与消费者保护法",
			"Garantie constructeur; loi fédérale de 2018 sur la concurrence et la protection des consommateurs",
			"Garantía del fabricante; Ley Federal de Competencia y Protección del Consumidor de 2018",
			"Garantia do fabricante; Lei Federal de Concorrência e Proteção do Consumidor de 2018"},
	}[en]
	if !ok {
		return nil
	}
	return map[string]string{"zh-Hans": t[0], "fr": t[1], "es": t[2], "pt": t[3]}
}

func cn() app.RuleSet {
	return app.RuleSet{
		ID:      "CN",
		Version: 1,
		Names: map[string]string{
			"en":      "China three guarantees (三包)",
			"zh-Hans": "中国三包规定",
			"fr":      "Trois garanties de Chine (三包)",
			"es":      "Tres garantías de China (三包)",
			"pt":      "Três garantias da China (三包)",
		},
		Country:     "CN",
		Currency:    "CNY",
		TaxBasisPts: 1300,
		TaxName:     "增值税 VAT",
		LabourRate:  app.Money{Amount: 120_00, Currency: "CNY"}, // per hour
		CallOutFee:  app.Money{Amount: 50_00, Currency: "CNY"},  // 上门费
		Rules: []app.WarrantyRule{
			{
				// Mobile phones: unit and main parts 1 year, battery and
				// accessories 6 months (the charger's 1 year is left out).
				Category: app.CategoryPhone,
				Periods: map[app.ComponentClass]app.Period{
					app.ClassUnit: months(12), app.ClassMain: months(12),
					app.ClassBattery: months(6), app.ClassAccessory: months(6),
				},
				NoProofGraceDays: 90,
				Remedies:         cnRemedies(),
				Exclusions:       allExclusions(),
				LegalBasis:       "China three guarantees for mobile phones (移动电话机商品修理更换退货责任规定)",
			},
			{
				// Household appliances: unit 1 year, main parts
				// (compressor, motor) 3 years.
				Category: app.CategoryAppliance,
				Periods: map[app.ComponentClass]app.Period{
					app.ClassUnit: months(12), app.ClassMain: months(36),
				},
				NoProofGraceDays: 90,
				Remedies:         cnRemedies(),
				Exclusions:       allExclusions(),
				LegalBasis:       "China three guarantees for household appliances (部分商品修理更换退货责任规定)",
			},
			{
				// A brand promise on top of the law: Haier main parts 5 years.
				Category: app.CategoryAppliance,
				Brand:    "Haier",
				Periods: map[app.ComponentClass]app.Period{
					app.ClassUnit: months(12), app.ClassMain: months(60),
				},
				NoProofGraceDays: 90,
				Remedies:         cnRemedies(),
				Exclusions:       allExclusions(),
				LegalBasis:       "China three guarantees; Haier 5-year main-part promise",
			},
			{
				// One model with a 10-year inverter-compressor promise.
				Category: app.CategoryAppliance,
				Brand:    "Haier",
				Model:    "BCD-470WDPG",
				Periods: map[app.ComponentClass]app.Period{
					app.ClassUnit: months(12), app.ClassMain: months(120),
				},
				NoProofGraceDays: 90,
				Remedies:         cnRemedies(),
				Exclusions:       allExclusions(),
				LegalBasis:       "China three guarantees; Haier 10-year inverter compressor promise",
			},
			{
				// Microcomputers: unit 1 year, main parts 2 years.
				Category: app.CategoryPC,
				Periods: map[app.ComponentClass]app.Period{
					app.ClassUnit: months(12), app.ClassMain: months(24),
				},
				NoProofGraceDays: 90,
				Remedies:         cnRemedies(),
				Exclusions:       allExclusions(),
				LegalBasis:       "China three guarantees for microcomputers (微型计算机商品修理更换退货责任规定)",
			},
			{
				// Servers are business products outside 三包: no refund or
				// exchange windows, a 3-year manufacturer warranty.
				Category: app.CategoryServer,
				Periods: map[app.ComponentClass]app.Period{
					app.ClassUnit: months(36),
				},
				NoProofGraceDays: 90,
				Exclusions:       allExclusions(),
				LegalBasis:       "Manufacturer warranty (business product, outside 三包)",
			},
		},
		Plans: []app.ExtendedPlan{{
			// Sold with the phone, so it starts at purchase: 36 months
			// from then is 24 months beyond the 12-month legal cover.
			ID:       "CN-CARE-2Y",
			Name:     "Fieldbench Care 2 years",
			Category: app.CategoryPhone,
			Periods: map[app.ComponentClass]app.Period{
				app.ClassUnit: months(36), app.ClassMain: months(36),
				app.ClassBattery: months(12), app.ClassAccessory: months(6),
			},
			Covers: []app.Exclusion{app.ExcludePhysical},
			Excess: app.Money{Amount: 299_00, Currency: "CNY"},
		}},
		EffectiveAt: ruleSetsEffective,
	}
}

func de() app.RuleSet {
	// The EU legal guarantee is two years for every part. Wear of
	// batteries is excluded in practice; the demo keeps 24 months.
	consumer := func(c app.Category) app.WarrantyRule {
		return app.WarrantyRule{
			Category: c,
			Periods: map[app.ComponentClass]app.Period{
				app.ClassUnit: months(24), app.ClassMain: months(24),
				app.ClassBattery: months(24), app.ClassAccessory: months(24),
			},
			// No grace: without a receipt the seller owes nothing.
			Exclusions: allExclusions(),
			LegalBasis: "EU Directive 2019/771 legal guarantee (BGB §§ 434 ff., 438)",
		}
	}
	return app.RuleSet{
		ID:      "DE",
		Version: 1,
		Names: map[string]string{
			"en":      "German legal guarantee (EU 2019/771)",
			"zh-Hans": "德国法定保修（欧盟 2019/771 指令）",
			"fr":      "Garantie légale allemande (UE 2019/771)",
			"es":      "Garantía legal alemana (UE 2019/771)",
			"pt":      "Garantia legal alemã (UE 2019/771)",
		},
		Country:     "DE",
		Currency:    "EUR",
		TaxBasisPts: 1900,
		TaxName:     "MwSt. (VAT)",
		LabourRate:  app.Money{Amount: 89_00, Currency: "EUR"},
		CallOutFee:  app.Money{Amount: 59_00, Currency: "EUR"},
		Rules: []app.WarrantyRule{
			consumer(app.CategoryPhone),
			consumer(app.CategoryAppliance),
			consumer(app.CategoryPC),
			{
				// Servers are sold to businesses, where the consumer
				// directive does not apply: manufacturer warranty.
				Category:   app.CategoryServer,
				Periods:    map[app.ComponentClass]app.Period{app.ClassUnit: months(36)},
				Exclusions: allExclusions(),
				LegalBasis: "Manufacturer warranty (business product)",
			},
		},
		Plans: []app.ExtendedPlan{{
			// Accidental-damage cover for three years from purchase,
			// which also adds a third year of breakdown cover.
			ID:   "DE-SCHUTZ-3J",
			Name: "Geräteschutz 3 Jahre (accidental damage)",
			Periods: map[app.ComponentClass]app.Period{
				app.ClassUnit: months(36),
			},
			Covers: []app.Exclusion{app.ExcludePhysical, app.ExcludeLiquid},
			Excess: app.Money{Amount: 49_00, Currency: "EUR"},
		}},
		EffectiveAt: ruleSetsEffective,
	}
}

func ng() app.RuleSet {
	const basis = "Manufacturer warranty; Federal Competition and Consumer Protection Act 2018"
	// Phones and PCs share the usual manufacturer terms.
	handheld := func(c app.Category) app.WarrantyRule {
		return app.WarrantyRule{
			Category: c,
			Periods: map[app.ComponentClass]app.Period{
				app.ClassUnit: months(12), app.ClassMain: months(12),
				app.ClassBattery: months(6), app.ClassAccessory: months(3),
			},
			NoProofGraceDays: 60,
			Exclusions:       allExclusions(),
			LegalBasis:       basis,
		}
	}
	return app.RuleSet{
		ID:      "NG",
		Version: 1,
		Names: map[string]string{
			"en":      "Nigerian manufacturer warranty (FCCPA 2018)",
			"zh-Hans": "尼日利亚制造商保修（2018 年联邦竞争与消费者保护法）",
			"fr":      "Garantie constructeur au Nigeria (FCCPA 2018)",
			"es":      "Garantía del fabricante en Nigeria (FCCPA 2018)",
			"pt":      "Garantia do fabricante na Nigéria (FCCPA 2018)",
		},
		Country:     "NG",
		Currency:    "NGN",
		TaxBasisPts: 750,
		TaxName:     "VAT",
		LabourRate:  app.Money{Amount: 12_000_00, Currency: "NGN"},
		CallOutFee:  app.Money{Amount: 8_000_00, Currency: "NGN"},
		Rules: []app.WarrantyRule{
			handheld(app.CategoryPhone),
			handheld(app.CategoryPC),
			{
				Category: app.CategoryAppliance,
				Periods: map[app.ComponentClass]app.Period{
					app.ClassUnit: months(12), app.ClassMain: months(24),
				},
				NoProofGraceDays: 60,
				Exclusions:       allExclusions(),
				LegalBasis:       basis,
			},
			{
				Category:         app.CategoryServer,
				Periods:          map[app.ComponentClass]app.Period{app.ClassUnit: months(36)},
				NoProofGraceDays: 60,
				Exclusions:       allExclusions(),
				LegalBasis:       basis,
			},
		},
		EffectiveAt: ruleSetsEffective,
	}
}
