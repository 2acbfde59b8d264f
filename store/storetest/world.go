package storetest

import (
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// Now is the time the clock of the stores under test must read: every
// Commit is stamped with it and the "today" views are relative to it.
var Now = time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)

// IDs of the world's records that the tests refer to.
const (
	Ana app.TechnicianID = "tech-ana"
	Bo  app.TechnicianID = "tech-bo"

	VanAna   app.LocationID = "van-ana"
	StoreSH  app.LocationID = "store-sh"
	DefectSH app.LocationID = "defective-sh"

	BatteryP50 app.PartNumber = "HB-BAT-P50"
	DisplayP50 app.PartNumber = "HB-LCD-P50"
	BatteryN12 app.PartNumber = "XM-BAT-N12"
	DrainPump  app.PartNumber = "HA-PUMP-01"
	DoorSeal   app.PartNumber = "HA-SEAL-02"
	KeyboardX1 app.PartNumber = "LN-KB-X1"

	// DupMovement is the ID of a loaded movement, for tests that make a
	// mutation fail after its first write.
	DupMovement = "mv-0004"
)

// Ticket IDs. Ana's: T1 on site today, T2 in progress and due today, T3
// tomorrow, T4 waiting for parts, T5 completed, T6 urgent and overdue
// since yesterday, T8 unscheduled. Bo's: T7 today, T9 cancelled.
const (
	T1 app.TicketID = "t-0001"
	T2 app.TicketID = "t-0002"
	T3 app.TicketID = "t-0003"
	T4 app.TicketID = "t-0004"
	T5 app.TicketID = "t-0005"
	T6 app.TicketID = "t-0006"
	T7 app.TicketID = "t-0007"
	T8 app.TicketID = "t-0008"
	T9 app.TicketID = "t-0009"
)

func at(day, hour int) time.Time {
	return time.Date(2026, 3, 10+day, hour, 0, 0, 0, time.UTC)
}

func cny(a int64) app.Money { return app.Money{Amount: a, Currency: "CNY"} }

// World returns the small dataset every conformance test starts from.
func World() app.Dataset {
	ticket := func(id app.TicketID, num string, kind app.TicketKind, tech app.TechnicianID, st app.Status, prio app.Priority) app.Ticket {
		return app.Ticket{
			ID: id, Number: num, Kind: kind, Country: "CN",
			Product:    app.Product{Category: app.CategoryPhone, Brand: "Huawei", Model: "P50", PurchaseDate: at(-200, 12), ProofOfPurchase: "INV-" + num},
			Customer:   app.Customer{Name: "Customer " + num, Phone: "+86 139 0000 " + num[len(num)-4:], City: "Shanghai"},
			Fault:      "does not charge",
			Priority:   prio,
			Technician: tech, Epoch: 1, Status: st,
			CreatedAt: at(-3, 8), UpdatedAt: at(-3, 8),
		}
	}
	t1 := ticket(T1, "FB-2026-000001", app.KindOnSite, Ana, app.StatusAssigned, app.PriorityNormal)
	t1.WindowStart, t1.WindowEnd = at(0, 10), at(0, 12)
	t1.Customer = app.Customer{Name: "王伟", Phone: "138 0013 8000", Address: "1 Nanjing Rd", City: "Shanghai"}
	t1.Product.Serial = "SN-P50-0001"
	t2 := ticket(T2, "FB-2026-000002", app.KindCarryIn, Ana, app.StatusInProgress, app.PriorityHigh)
	// Names with a ligature, a sharp s and stroked letters, and a phone
	// typed in a Chinese input method's full-width digits: the search
	// folds them (app.Fold, app.PhoneDigits).
	t2.Customer.Name = "Françoise Lœuvre"
	t2.ResolveBy = at(0, 18)
	t2.Diagnosis = "battery swollen"
	t2.StartedAt = at(-1, 9)
	t3 := ticket(T3, "FB-2026-000003", app.KindOnSite, Ana, app.StatusAssigned, app.PriorityUrgent)
	t3.WindowStart, t3.WindowEnd, t3.ResolveBy = at(1, 9), at(1, 11), at(3, 18)
	t3.Customer.Name = "Søren Straße"
	t4 := ticket(T4, "FB-2026-000004", app.KindCarryIn, Ana, app.StatusWaitingParts, app.PriorityNormal)
	t4.StatusReason = "display on order"
	t5 := ticket(T5, "FB-2026-000005", app.KindCarryIn, Ana, app.StatusCompleted, app.PriorityNormal)
	t5.ResolutionCode, t5.Diagnosis, t5.CompletedAt, t5.UpdatedAt = app.ResolutionRepaired, "loose cable", at(-1, 15), at(-1, 15)
	t6 := ticket(T6, "FB-2026-000006", app.KindOnSite, Ana, app.StatusAssigned, app.PriorityUrgent)
	t6.WindowStart, t6.WindowEnd = at(-1, 14), at(-1, 16)
	t6.Customer.Name, t6.Customer.Phone = "Łucja Łódź", "＋８６ １３９ ００００ ０００６"
	t7 := ticket(T7, "FB-2026-000007", app.KindOnSite, Bo, app.StatusAssigned, app.PriorityNormal)
	t7.WindowStart, t7.WindowEnd = at(0, 13), at(0, 15)
	t8 := ticket(T8, "FB-2026-000008", app.KindCarryIn, Ana, app.StatusAssigned, app.PriorityNormal)
	t9 := ticket(T9, "FB-2026-000009", app.KindOnSite, Bo, app.StatusCancelled, app.PriorityNormal)
	t9.StatusReason = "customer withdrew"

	return app.Dataset{
		Technicians: []app.Technician{
			{ID: Ana, Name: "Ana Li", Country: "CN", Van: VanAna, Language: "zh"},
			{ID: Bo, Name: "Bo Chen", Country: "CN", Store: "store-sh"},
		},
		Locations: []app.Location{
			{ID: VanAna, Kind: app.LocationVan, Name: "Ana's van", Owner: string(Ana)},
			{ID: StoreSH, Kind: app.LocationStore, Name: "Shanghai counter"},
			{ID: DefectSH, Kind: app.LocationDefective, Name: "Shanghai defective returns"},
		},
		Parts: []app.Part{
			{Number: BatteryP50, NameEN: "Battery P50 original", NameZH: "华为P50原装电池", Category: "battery", Class: app.ClassBattery, Brand: "Huawei",
				Models: []string{"P50", "P50 Pro"}, Prices: []app.Money{cny(19900), {Amount: 2900, Currency: "EUR"}}, ReturnNeeded: true},
			{Number: DisplayP50, NameEN: "Display assembly P50", NameZH: "华为P50屏幕总成", Category: "display", Class: app.ClassMain, Brand: "Huawei",
				Models: []string{"P50"}, Serialized: true, Prices: []app.Money{cny(89900)}},
			{Number: BatteryN12, NameEN: "Battery Redmi Note 12", NameZH: "红米电池", Category: "battery", Class: app.ClassBattery, Brand: "Xiaomi",
				Models: []string{"Redmi Note 12"}, Prices: []app.Money{cny(9900)}},
			{Number: DrainPump, NameEN: "Drain pump washing machine", NameZH: "洗衣机排水泵", Category: "pump", Class: app.ClassMain, Brand: "Haier",
				Models: []string{"EG100"}, Prices: []app.Money{cny(15000)}},
			{Number: DoorSeal, NameEN: "Door seal", NameZH: "门封条", Category: "seal", Class: app.ClassUnit, Brand: "Haier",
				Models: []string{"EG100"}, Prices: []app.Money{cny(8000)}},
			{Number: KeyboardX1, NameEN: "Keyboard ThinkPad X1", NameZH: "联想键盘", Category: "keyboard", Class: app.ClassMain, Brand: "Lenovo",
				Models: []string{"X1 Carbon"}, Prices: []app.Money{cny(45000)}},
		},
		Movements: []app.StockMovement{
			{ID: "mv-0001", Kind: app.MoveReceive, Part: BatteryP50, To: VanAna, Qty: 5, At: at(-5, 8)},
			{ID: "mv-0002", Kind: app.MoveReceive, Part: DisplayP50, To: VanAna, Qty: 1, Serial: "LCD-0001", At: at(-5, 8)},
			{ID: "mv-0003", Kind: app.MoveTransfer, Part: BatteryP50, From: VanAna, To: StoreSH, Qty: 2, At: at(-4, 8)},
			{ID: DupMovement, Kind: app.MoveAdjust, Part: BatteryP50, To: StoreSH, Qty: -1, Reason: "count", At: at(-4, 9)},
		},
		RuleSets: []app.RuleSet{
			{ID: "CN-2025", Version: 1, Names: map[string]string{"en": "China 2025", "zh-Hans": "中国 2025"}, Country: "CN", Currency: "CNY", TaxBasisPts: 1300, TaxName: "VAT", LabourRate: cny(12000)},
			{ID: "CN-2026", Version: 2, Names: map[string]string{"en": "China three guarantees 2026", "zh-Hans": "中国三包 2026", "fr": "Trois garanties (Chine) 2026"}, Country: "CN", Currency: "CNY", TaxBasisPts: 1300, TaxName: "VAT", LabourRate: cny(15000)},
			{ID: "DE-2026", Version: 1, Names: map[string]string{"en": "German legal guarantee 2026"}, Country: "DE", Currency: "EUR", TaxBasisPts: 1900, TaxName: "MwSt", LabourRate: app.Money{Amount: 9000, Currency: "EUR"}},
		},
		Tickets: []app.TicketDetail{
			{Ticket: t1},
			{Ticket: t2, Repairs: []app.RepairEntry{{ID: "r-0001", Action: "opened case", Minutes: 10, At: at(-1, 10), By: "Ana Li"}},
				Notes: []app.Note{{ID: "n-0001", Text: "customer wants data kept", At: at(-1, 9), By: "Ana Li"}}},
			{Ticket: t3}, {Ticket: t4},
			{Ticket: t5, Repairs: []app.RepairEntry{{ID: "r-0002", Action: "re-seated cable", Minutes: 20, At: at(-1, 14)}},
				Photos: []app.Photo{{ID: "p-0001", SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Size: 4, Mime: "image/jpeg", Kind: "repair", At: at(-1, 14), State: "verified"}}},
			{Ticket: t6}, {Ticket: t7}, {Ticket: t8}, {Ticket: t9},
		},
	}
}
