package demo

import (
	"regexp"
	"strings"
)

// The catalog's part names in French, Spanish and Portuguese
// (app.Part.Names), made from the English name's pieces: the part type's
// name, its variant, a revision. Words follow the glossary
// (assets/translations/GLOSSARY.md); a variant's position words are the
// forms that agree with any noun ("côté gauche", "superior"), so no
// name needs the gender of its part. What has no translation (a
// capacity, a standard, a model's CPU) reads as in English.

// otherLangs are the languages Names holds, in the order of the arrays
// below.
var otherLangs = [3]string{"fr", "es", "pt"}

// typeNames are the part types' names, by their English name.
var typeNames = map[string][3]string{
	"Air filter":                 {"Filtre à air", "Filtro de aire", "Filtro de ar"},
	"Antenna flex":               {"Nappe d’antenne", "Flex de antena", "Flex da antena"},
	"Back cover":                 {"Coque arrière", "Tapa trasera", "Tampa traseira"},
	"Back cover adhesive":        {"Adhésif de coque arrière", "Adhesivo de tapa trasera", "Adesivo da tampa traseira"},
	"Battery":                    {"Batterie", "Batería", "Bateria"},
	"Bottom cover":               {"Capot inférieur", "Tapa inferior", "Tampa inferior"},
	"Bracket":                    {"Support", "Soporte", "Suporte"},
	"CMOS battery":               {"Pile CMOS", "Pila CMOS", "Bateria CMOS"},
	"Camera lens glass":          {"Vitre d’objectif photo", "Cristal de lente de cámara", "Vidro da lente da câmera"},
	"Capacitor":                  {"Condensateur", "Capacitor", "Capacitor"},
	"Charger":                    {"Chargeur", "Cargador", "Carregador"},
	"Charging port flex":         {"Nappe du connecteur de charge", "Flex de puerto de carga", "Flex do conector de carga"},
	"Circulation pump motor":     {"Moteur de pompe de cyclage", "Motor de bomba de circulación", "Motor da bomba de circulação"},
	"Compressor":                 {"Compresseur", "Compresor", "Compressor"},
	"Control panel board":        {"Carte du bandeau de commande", "Tarjeta del panel de control", "Placa do painel de controle"},
	"Cover plate":                {"Plaque de recouvrement", "Placa de cubierta", "Placa de cobertura"},
	"Crisper drawer":             {"Bac à légumes", "Cajón de verduras", "Gaveta de legumes"},
	"DC-in jack":                 {"Connecteur d’alimentation DC", "Conector de alimentación DC", "Conector de alimentação DC"},
	"Defrost heater":             {"Résistance de dégivrage", "Resistencia de descongelación", "Resistência de degelo"},
	"Detergent drawer":           {"Bac à produits", "Cajón del detergente", "Gaveta de sabão"},
	"Display assembly":           {"Écran complet", "Pantalla completa", "Tela completa"},
	"Display board":              {"Carte d’affichage", "Tarjeta de pantalla", "Placa do display"},
	"Display cable":              {"Nappe d’écran", "Cable de pantalla", "Cabo da tela"},
	"Display panel":              {"Dalle d’écran", "Panel de pantalla", "Painel da tela"},
	"Door hinge":                 {"Charnière de porte", "Bisagra de puerta", "Dobradiça da porta"},
	"Door lock":                  {"Verrou de porte", "Cierre de puerta", "Trava da porta"},
	"Door seal":                  {"Joint de porte", "Junta de puerta", "Borracha da porta"},
	"Door spring kit":            {"Kit de ressorts de porte", "Kit de resortes de puerta", "Kit de molas da porta"},
	"Drain hose":                 {"Tuyau de vidange", "Manguera de desagüe", "Mangueira de drenagem"},
	"Drain pump":                 {"Pompe de vidange", "Bomba de desagüe", "Bomba de drenagem"},
	"Drive backplane":            {"Fond de panier disques", "Backplane de discos", "Backplane de discos"},
	"Drive motor":                {"Moteur d’entraînement", "Motor de accionamiento", "Motor de acionamento"},
	"Drum bearing kit":           {"Kit de roulements de tambour", "Kit de rodamientos del tambor", "Kit de rolamentos do tambor"},
	"Earpiece receiver":          {"Écouteur interne", "Auricular interno", "Alto-falante auricular"},
	"Electronic expansion valve": {"Détendeur électronique", "Válvula de expansión electrónica", "Válvula de expansão eletrônica"},
	"Fan":                        {"Ventilateur", "Ventilador", "Ventilador"},
	"Fan module":                 {"Module de ventilation", "Módulo de ventilador", "Módulo de ventilador"},
	"Fingerprint sensor flex":    {"Nappe du capteur d’empreintes", "Flex del sensor de huellas", "Flex do sensor de digitais"},
	"Float switch":               {"Interrupteur à flotteur", "Interruptor de flotador", "Chave boia"},
	"Foam gasket":                {"Joint en mousse", "Junta de espuma", "Vedação de espuma"},
	"Front I/O board":            {"Carte E/S avant", "Placa de E/S frontal", "Placa de E/S frontal"},
	"Front camera":               {"Caméra avant", "Cámara frontal", "Câmera frontal"},
	"Glass shelf":                {"Clayette en verre", "Estante de vidrio", "Prateleira de vidro"},
	"Hard disk":                  {"Disque dur", "Disco duro", "Disco rígido"},
	"Heating element":            {"Résistance chauffante", "Resistencia calefactora", "Resistência de aquecimento"},
	"Hinge kit":                  {"Kit de charnières", "Kit de bisagras", "Kit de dobradiças"},
	"Ice maker":                  {"Machine à glaçons", "Fabricador de hielo", "Máquina de gelo"},
	"Indoor control board":       {"Carte de commande unité intérieure", "Tarjeta de control de la unidad interior", "Placa de controle da unidade interna"},
	"Indoor fan motor":           {"Moteur de ventilateur unité intérieure", "Motor del ventilador interior", "Motor do ventilador interno"},
	"Inlet valve":                {"Électrovanne d’arrivée d’eau", "Válvula de entrada", "Válvula de entrada"},
	"Internal cable":             {"Câble interne", "Cable interno", "Cabo interno"},
	"Keyboard":                   {"Clavier", "Teclado", "Teclado"},
	"Loudspeaker":                {"Haut-parleur", "Altavoz", "Alto-falante"},
	"Louver swing motor":         {"Moteur de volet oscillant", "Motor de aletas oscilantes", "Motor da aleta oscilante"},
	"Lower basket":               {"Panier inférieur", "Cesta inferior", "Cesto inferior"},
	"Main control board":         {"Carte de commande principale", "Tarjeta de control principal", "Placa de controle principal"},
	"Mainboard":                  {"Carte mère", "Placa base", "Placa-mãe"},
	"Memory":                     {"Mémoire", "Memoria", "Memória"},
	"Middle frame":               {"Châssis central", "Marco central", "Aro central"},
	"Mouse":                      {"Souris", "Ratón", "Mouse"},
	"Network card":               {"Carte réseau", "Tarjeta de red", "Placa de rede"},
	"Outdoor control board":      {"Carte de commande unité extérieure", "Tarjeta de control de la unidad exterior", "Placa de controle da unidade externa"},
	"Outdoor fan motor":          {"Moteur de ventilateur unité extérieure", "Motor del ventilador exterior", "Motor do ventilador externo"},
	"Power adapter":              {"Adaptateur secteur", "Adaptador de corriente", "Adaptador de energia"},
	"Power button flex":          {"Nappe du bouton marche", "Flex del botón de encendido", "Flex do botão liga/desliga"},
	"Power cable":                {"Câble d’alimentation", "Cable de alimentación", "Cabo de alimentação"},
	"Power supply unit":          {"Bloc d’alimentation", "Fuente de alimentación", "Fonte de alimentação"},
	"RAID controller":            {"Contrôleur RAID", "Controladora RAID", "Controladora RAID"},
	"Rail kit":                   {"Kit de rails", "Kit de rieles", "Kit de trilhos"},
	"Rating label":               {"Plaque signalétique", "Placa de características", "Etiqueta de especificações"},
	"Rear camera":                {"Caméra arrière", "Cámara trasera", "Câmera traseira"},
	"Refrigerant R32":            {"Fluide frigorigène R32", "Refrigerante R32", "Fluido refrigerante R32"},
	"Remote control":             {"Télécommande", "Control remoto", "Controle remoto"},
	"Riser card":                 {"Carte riser", "Tarjeta riser", "Placa riser"},
	"SIM tray":                   {"Tiroir SIM", "Bandeja SIM", "Gaveta do chip"},
	"SSD":                        {"SSD", "SSD", "SSD"},
	"Screw kit":                  {"Kit de vis", "Kit de tornillos", "Kit de parafusos"},
	"Shock absorber":             {"Amortisseur", "Amortiguador", "Amortecedor"},
	"Spray arm":                  {"Bras de lavage", "Brazo aspersor", "Braço aspersor"},
	"System board":               {"Carte système", "Placa del sistema", "Placa do sistema"},
	"Temperature sensor":         {"Sonde de température", "Sensor de temperatura", "Sensor de temperatura"},
	"Touchpad":                   {"Pavé tactile", "Panel táctil", "Touchpad"},
	"USB-C cable":                {"Câble USB-C", "Cable USB-C", "Cabo USB-C"},
	"Vibration motor":            {"Vibreur", "Motor de vibración", "Motor de vibração"},
	"Water filter":               {"Filtre à eau", "Filtro de agua", "Filtro de água"},
	"Webcam module":              {"Module webcam", "Módulo de cámara web", "Módulo de webcam"},
	"Wi-Fi card":                 {"Carte Wi-Fi", "Tarjeta Wi-Fi", "Placa Wi-Fi"},
}

// variantPhrases are variants translated whole, and variantWords the
// words of the others, by their English; a word without one is kept
// (8+128GB, NVMe, R600a).
var (
	variantPhrases = map[string][3]string{
		"direct drive inverter": {"entraînement direct inverter", "transmisión directa inverter", "acionamento direto inverter"},
		"BLDC inverter":         {"inverter BLDC", "inverter BLDC", "inverter BLDC"},
		"R600a fixed speed":     {"R600a vitesse fixe", "R600a velocidad fija", "R600a velocidade fixa"},
		"fridge door":           {"réfrigérateur", "refrigerador", "geladeira"},
		"freezer door":          {"congélateur", "congelador", "congelador"},
		"high performance":      {"haute performance", "alto rendimiento", "alto desempenho"},
		"slim tip":              {"embout fin", "punta delgada", "ponta fina"},
		"hot-plug":              {"remplaçable à chaud", "intercambiable en caliente", "hot-plug"},
		"L+R":                   {"G+D", "izq.+der.", "esq.+dir."},
		"EU plug":               {"prise UE", "enchufe UE", "plugue UE"},
		"CN plug":               {"prise CN", "enchufe CN", "plugue CN"},
		"UK plug":               {"prise UK", "enchufe Reino Unido", "plugue Reino Unido"},
		"ultra-wide":            {"ultra grand-angle", "ultra gran angular", "ultra-angular"},
	}
	variantWords = map[string][3]string{
		"Black": {"noir", "negro", "preto"}, "White": {"blanc", "blanco", "branco"}, "Blue": {"bleu", "azul", "azul"},
		"Green": {"vert", "verde", "verde"}, "Silver": {"argent", "plata", "prata"}, "Gold": {"or", "dorado", "dourado"},
		"Purple": {"violet", "morado", "roxo"}, "Grey": {"gris", "gris", "cinza"},
		"main": {"principale", "principal", "principal"}, "telephoto": {"téléobjectif", "teleobjetivo", "teleobjetiva"},
		"single": {"simple", "simple", "simples"}, "double": {"double", "doble", "dupla"},
		"freezer": {"congélateur", "congelador", "congelador"}, "fridge": {"réfrigérateur", "refrigerador", "geladeira"},
		"condenser": {"condenseur", "condensador", "condensador"},
		// Positions: forms that agree with any noun.
		"upper": {"du haut", "superior", "superior"}, "lower": {"du bas", "inferior", "inferior"},
		"top": {"dessus", "superior", "superior"}, "bottom": {"dessous", "inferior", "inferior"},
		"left": {"côté gauche", "lado izquierdo", "lado esquerdo"}, "right": {"côté droit", "lado derecho", "lado direito"},
		"front": {"avant", "frontal", "frontal"}, "rear": {"arrière", "posterior", "traseira"},
		"pipe": {"tuyauterie", "tubería", "tubulação"}, "room": {"ambiante", "ambiente", "ambiente"},
		"power": {"alimentation", "alimentación", "alimentação"}, "signal": {"signal", "señal", "sinal"},
		"sensor": {"capteur", "sensor", "sensor"}, "display": {"écran", "pantalla", "tela"},
		"system": {"boîtier", "gabinete", "gabinete"}, "standard": {"standard", "estándar", "padrão"},
		"sliding": {"coulissant", "deslizante", "deslizante"},
		"US":      {"US", "EE. UU.", "EUA"}, "UK": {"UK", "Reino Unido", "Reino Unido"}, "German": {"allemand", "alemán", "alemão"},
		"backlit": {"rétroéclairé", "retroiluminado", "retroiluminado"}, "touch": {"tactile", "táctil", "touch"},
		"plug": {"prise", "enchufe", "plugue"}, "EU": {"UE", "UE", "UE"}, "CN": {"CN", "CN", "CN"},
		"cache": {"cache", "caché", "cache"}, "Platinum": {"Platinum", "Platinum", "Platinum"},
		"drum": {"tambour", "tambor", "tambor"}, "kg": {"kg", "kg", "kg"}, "HP": {"CV", "HP", "HP"},
	}
	// revision is the word a revision letter follows ("rev. B").
	revision = [3]string{"rév.", "rev.", "rev."}
	// drumRE and portsRE are variants whose words change order.
	drumRE  = regexp.MustCompile(`^(\d+) kg drum$`)
	portsRE = regexp.MustCompile(`^(\d+)-port$`)
	drum    = [3]string{"tambour $1 kg", "tambor de $1 kg", "tambor de $1 kg"}
	ports   = [3]string{"$1 ports", "$1 puertos", "$1 portas"}
)

// otherNames returns a part's name in lang when lang is one of
// otherLangs (English and Chinese are the part's own NameEN and NameZH),
// from the English name of its type and of its variant ("" for none) and
// its revision letter (0 for none); nil for another language or a type
// without names. Only the world's language: a name in each of the three
// made every device's first sync half as large again (the technician's
// 303 to 459 kB, 28 to 42 s on 2G) for names its user never reads.
func otherNames(lang, typeEN, variantEN string, rev rune) map[string]string {
	t, ok := typeNames[typeEN]
	if !ok {
		return nil
	}
	out := make(map[string]string, 1)
	for i, l := range otherLangs {
		if l != lang {
			continue
		}
		n := t[i]
		if variantEN != "" {
			n = joinNoStutter(n, translateVariant(variantEN, i))
		}
		if rev != 0 {
			n += " " + revision[i] + " " + string(rev)
		}
		out[l] = n
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// joinNoStutter is a type's name then its variant's, the variant's first
// word left out when the name ends with it: "Placa Wi-Fi" and "Wi-Fi 6E"
// are "Placa Wi-Fi 6E", "Motor de acionamento" and "acionamento direto
// inverter" "Motor de acionamento direto inverter", and French's
// "Moteur d’entraînement" and "entraînement direct inverter" "Moteur
// d’entraînement direct inverter" (walk4's Portuguese walk read the word
// twice in the likely parts).
func joinNoStutter(name, variant string) string {
	nw, vw := strings.Fields(name), strings.Fields(variant)
	if len(nw) > 0 && len(vw) > 1 && strings.EqualFold(unElided(nw[len(nw)-1]), vw[0]) {
		variant = strings.Join(vw[1:], " ")
	}
	return name + " " + variant
}

// unElided is a word without its elided article or preposition, French's
// "d’entraînement" read as "entraînement".
func unElided(w string) string {
	if i := strings.IndexAny(w, "’'"); i >= 0 && i <= 2 {
		return w[i+len(string([]rune(w[i:])[0])):]
	}
	return w
}

// translateVariant is a variant in otherLangs[i]: a phrase whole, else
// each comma-separated piece, as a phrase or word by word.
func translateVariant(v string, i int) string {
	if p, ok := variantPhrases[v]; ok {
		return p[i]
	}
	if drumRE.MatchString(v) {
		return drumRE.ReplaceAllString(v, drum[i])
	}
	pieces := strings.Split(v, ", ")
	for k, piece := range pieces {
		if p, ok := variantPhrases[piece]; ok {
			pieces[k] = p[i]
			continue
		}
		words := strings.Fields(piece)
		for j, w := range words {
			switch {
			case portsRE.MatchString(w):
				words[j] = portsRE.ReplaceAllString(w, ports[i])
			default:
				if t, ok := variantWords[w]; ok {
					words[j] = t[i]
				} else if t, ok := variantPhrases[w]; ok {
					words[j] = t[i]
				}
			}
		}
		pieces[k] = strings.Join(words, " ")
	}
	return strings.Join(pieces, ", ")
}
