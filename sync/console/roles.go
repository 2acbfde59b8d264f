package console

// Role is what a console user may do. The roles and their permissions are
// defined in one place, the permissions table below (see doc.go).
type Role string

// The console's roles.
const (
	RoleDispatcher    Role = "dispatcher"    // plans the day: the board, tickets, conflicts
	RoleStoreManager  Role = "store_manager" // the board and tickets of one store
	RolePartsClerk    Role = "parts_clerk"   // stock, part requests, returns, stock imports
	RoleAdministrator Role = "administrator" // everything, and the tenant's console users
)

// Roles lists the console's roles in the order forms offer them.
var Roles = []Role{RoleDispatcher, RoleStoreManager, RolePartsClerk, RoleAdministrator}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	_, ok := permissions[r]
	return ok
}

// perm is a permission a route requires.
type perm string

const (
	permView     perm = "view"     // the board, tickets, conflicts and stock (a store manager's store's), read only
	permDispatch perm = "dispatch" // create, assign, reschedule, cancel, reopen; decide conflicts
	permStock    perm = "stock"    // stock movements: receive, transfer, adjust (a defective return's and a waiting ticket's transfers too)
	permSupply   perm = "supply"   // answer part requests, send and receive shipments (a store manager: their store's)
	permPeople   perm = "people"   // technicians, stores, vans; pair and revoke devices
	permImport   perm = "import"   // CSV imports of parts and stock
	permRules    perm = "rules"    // CSV imports of warranty rules, which decide what customers pay
	permNumbers  perm = "numbers"  // the figures pages
	permUsers    perm = "users"    // console users and the audit
	permSettings perm = "settings" // the tenant's settings: its time zone
)

// permissions is the single table of who may do what. A store manager's
// permissions are further limited to their store's tickets (Console.apply
// and the pages' scoping); nobody sees another tenant.
var permissions = map[Role][]perm{
	RoleDispatcher:    {permView, permDispatch, permStock, permSupply, permPeople, permNumbers},
	RoleStoreManager:  {permView, permDispatch, permSupply, permNumbers},
	RolePartsClerk:    {permView, permStock, permSupply, permImport},
	RoleAdministrator: {permView, permDispatch, permStock, permSupply, permPeople, permImport, permRules, permNumbers, permUsers, permSettings},
}

// may reports whether the role has permission p.
func (r Role) may(p perm) bool {
	for _, q := range permissions[r] {
		if q == p {
			return true
		}
	}
	return false
}
