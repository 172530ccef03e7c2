-- SPDX-License-Identifier: MIT
-- The built-in rules, by name, sorted: `use: NAME` in a config runs lua/parley/rules/NAME.lua,
-- whose id is NAME. A spec checks that this list names exactly the rule files beside it.
-- One line each on what the rule finds; docs/rules/NAME.md gives its method.
return {
   "breakdown_sum",       -- a party's total whose own parts do not add up
   "corroboration",       -- claims resting only on the claimant's own or a weakly graded source
   "count_gap",           -- the parties' counts of the same thing, far apart
   "exchange_accounts",   -- the competing accounts of an exchange, against each other and its record
   "list_overlap",        -- two parties' named lists of the same people, linked person by person
   "map_completeness",    -- mine maps handed over against the mines claimed laid and Protocol II's fields
   "opposing_assertions", -- two parties asserting opposite values about the same thing
   "population_estimate", -- Chapman two-list estimates of a population from two parties' lists
   "release_accounting",  -- counts and lists that do not follow what the exchanges released
   "scope_mismatch",      -- counts far apart because their scope tags differ
   "self_contradiction",  -- a party's assertion contradicted by its own later claim or act
   "stale_claim",         -- claims that no later claim of their claimant updates
   "unaccounted_persons", -- people listed as held whom no later list, release or return of the holder accounts for
}
