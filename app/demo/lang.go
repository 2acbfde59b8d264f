package demo

import (
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// Languages are the languages the demo world can be written in: the
// app's (assets/translations), by their primary subtag.
var Languages = []string{"en", "zh", "fr", "es", "pt"}

// GenerateIn is Generate with the world's own words in lang (a language
// tag such as "fr" or "zh-Hans"; English for one the demo does not
// speak): the names of its warehouses, stores, vans and defective bins,
// its clerks' titles and the reasons its stock movements give, the words
// a user of the demo reads in the language the demo started in. A part
// carries its English and Chinese names, and its name in lang besides
// when lang is French, Spanish or Portuguese (Part.Names: otherNames says
// why only that one), and the texts
// people of the world wrote (customers' names, addresses and words,
// requests, notes) stay in their country's language, as they would be.
// Only words change with lang: the same seed, size and time give the same
// world in every language, record for record.
func GenerateIn(seed int64, size Size, now time.Time, lang string) app.Dataset {
	w := newWorld(seed, size, now)
	w.lang = langCode(lang)
	return w.build()
}

// langCode is lang's primary subtag when the demo speaks it, else "en".
func langCode(lang string) string {
	primary, _, _ := strings.Cut(strings.ReplaceAll(strings.TrimSpace(lang), "_", "-"), "-")
	primary = strings.ToLower(primary)
	for _, l := range Languages {
		if l == primary {
			return l
		}
	}
	return "en"
}

// texts is a text in each language of the demo, by langCode.
type texts map[string]string

// in returns ws in the world's language, English when it has none.
func (w *world) in(ws texts) string {
	if s, ok := ws[w.lang]; ok {
		return s
	}
	return ws["en"]
}

// The words of the world's places and records, in the glossary's terms
// (assets/translations/GLOSSARY.md: van, store, warehouse, defective
// bin). English keeps the names the demo always had.
var (
	vanWord = texts{"en": "Van", "zh": "服务车", "fr": "Camionnette", "es": "Camioneta", "pt": "Van"}
	// vanBin names a van's defective bin; %s is the van's plate.
	vanBin = texts{"en": "Defective returns · van %s", "zh": "故障件箱 · 服务车 %s", "fr": "Bac de pièces défectueuses · camionnette %s",
		"es": "Contenedor de defectuosos · camioneta %s", "pt": "Caixa de defeituosas · van %s"}
	// storeBin names a store's defective bin; %s is the store's name.
	storeBin = texts{"en": "Defective returns · %s", "zh": "故障件箱 · %s", "fr": "Bac de pièces défectueuses · %s",
		"es": "Contenedor de defectuosos · %s", "pt": "Caixa de defeituosas · %s"}
	vanRestock   = texts{"en": "Van replenishment", "zh": "服务车补货", "fr": "Réassort de la camionnette", "es": "Reposición de la camioneta", "pt": "Reposição da van"}
	storeRestock = texts{"en": "Store replenishment", "zh": "门店补货", "fr": "Réassort du magasin", "es": "Reposición de la tienda", "pt": "Reposição da loja"}
	// delivery is a warehouse's delivery from a brand; %s is the brand.
	delivery = texts{"en": "Delivery from %s", "zh": "%s 到货", "fr": "Livraison %s", "es": "Entrega de %s", "pt": "Entrega da %s"}
	// orderedFor is a part ordered for a ticket; %s is its number.
	orderedFor = texts{"en": "Ordered for %s", "zh": "为工单 %s 订购", "fr": "Commandée pour le ticket %s", "es": "Pedido para la orden %s", "pt": "Pedida para o chamado %s"}
	// shippedTo is a defective part sent to its brand: the brand, the
	// country and the RMA number.
	shippedTo = texts{"en": "Shipped to %s, RMA %s-%s", "zh": "已寄回 %s，RMA %s-%s", "fr": "Renvoyée à %s, RMA %s-%s", "es": "Devuelto a %s, RMA %s-%s", "pt": "Devolvida à %s, RMA %s-%s"}
)
