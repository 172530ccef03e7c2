-- SPDX-License-Identifier: MIT
-- The field's terms: the subjects claims count or assert (detainees, remains, mine_maps, ...)
-- and the scope tags that say which part of a population a count covers (soldiers, civilians,
-- ...), with their synonyms, so that every comparison parley draws compares like with like:
-- `military` meets `soldiers`, `detainees` never silently becomes a second subject spelled
-- `Detainees`. A subject is a `stock` (a standing count: it can go up, down and stale) or an
-- `event` (something that happened: never stale, never a series).
--
-- parley ships the default vocabulary below; a dataset may add its own under `vocabulary:`
-- (docs/dataset.md). Records keep what the source said; canonical forms are for comparing.
-- Pure Lua over parley.text, so a sandboxed rule may require it.

local text = require "parley.text"

local terms = {}

-- Subjects ending so are events unless a vocabulary declares otherwise.
terms.EVENT_SUFFIXES = { "_released", "_returned", "_handed_over", "_exchanged", "_transferred", "_captured",
   "_killed" }

-- The default vocabulary. Provenance: the categories the ICRC's tracing work, the parties'
-- statements and the press use in the Armenia-Azerbaijan record (docs/dataset.md lists them).
terms.DEFAULT = {
   subjects = {
      detainees = { kind = "stock", synonyms = { "detained", "detained_persons", "captives" } },
      prisoners_of_war = { kind = "stock", synonyms = { "pows", "pow", "prisoners" } },
      hostages = { kind = "stock" },
      missing = { kind = "stock", synonyms = { "missing_persons", "disappeared" } },
      remains = { kind = "stock", synonyms = { "bodies", "mortal_remains" } },
      dead = { kind = "stock", synonyms = { "killed", "deaths", "fatalities" } },
      displaced = { kind = "stock", synonyms = { "displaced_persons", "idps" } },
      mines = { kind = "stock", synonyms = { "landmines" } },
      mines_laid = { kind = "stock" },
      mine_maps = { kind = "stock", synonyms = { "minefield_maps", "mine_records" } },
      mine_maps_exist = { kind = "stock" },
      mine_maps_complete = { kind = "stock" },
      icrc_access = { kind = "stock" },
      ceasefire_holds = { kind = "stock" },
      detainees_released = { kind = "event" },
      detainees_returned = { kind = "event" },
      detainees_exchanged = { kind = "event" },
      detainees_captured = { kind = "event" },
      prisoners_of_war_released = { kind = "event", synonyms = { "pows_released" } },
      prisoners_of_war_returned = { kind = "event" },
      remains_returned = { kind = "event", synonyms = { "bodies_returned" } },
      remains_handed_over = { kind = "event" },
      mine_maps_handed_over = { kind = "event" },
      talks_held = { kind = "event" },
   },
   scopes = {
      soldiers = { synonyms = { "military", "servicemen", "servicemembers", "combatants", "troops" } },
      civilians = { synonyms = { "non_combatants" } },
      women = {},
      men = {},
      minors = { synonyms = { "children" } },
      volunteers = {},
      entered_after_ceasefire = {},
      status_unknown = { synonyms = { "unknown_status" } },
   },
}

-- The kind a subject has when no vocabulary names it: an event by its suffix, else a stock.
function terms.kind_by_name(subject)
   for _, suffix in ipairs(terms.EVENT_SUFFIXES) do
      if #subject > #suffix and subject:sub(-#suffix) == suffix then return "event" end
   end
   return "stock"
end

local Vocabulary = {}
Vocabulary.__index = Vocabulary

-- Adds the entries of one vocabulary table ({subjects = {NAME = {kind=, synonyms=}}, scopes =
-- {NAME = {synonyms=}}}) to v: later additions win for the same name or synonym.
local function add(v, spec)
   v.scope_sets = {} -- canonical_scope's lists, made again with the new terms
   for name, entry in pairs(spec.subjects or {}) do
      local known = v.subjects[name]
      v.subjects[name] = { canonical = name, kind = entry.kind or (known and known.kind) or terms.kind_by_name(name) }
      for _, syn in ipairs(entry.synonyms or {}) do v.subject_synonyms[syn] = name end
   end
   for name, entry in pairs(spec.scopes or {}) do
      v.scopes[name] = { canonical = name }
      for _, syn in ipairs(entry.synonyms or {}) do v.scope_synonyms[syn] = name end
   end
   -- a dataset's `places:` (kept with its vocabulary): a region's name and its variants
   for name, entry in pairs(spec.places or {}) do
      v.places[name] = true
      for _, variant in ipairs(entry.variants or {}) do v.place_variants[variant] = name end
   end
end

-- terms.vocabulary(extra, ...): the default vocabulary with the given vocabularies added, in
-- order (a dataset's own `vocabulary:` entries, as stored).
function terms.vocabulary(...)
   local v = setmetatable({ subjects = {}, scopes = {}, subject_synonyms = {}, scope_synonyms = {}, places = {},
      place_variants = {} }, Vocabulary)
   add(v, terms.DEFAULT)
   for i = 1, select("#", ...) do
      local extra = select(i, ...)
      if extra then add(v, extra) end
   end
   return v
end

-- Why adding `entry` under `name` to `section` ("subjects" or "scopes") would change what a
-- term already means, or nil. A vocabulary only adds: a subject keeps its kind, a synonym its
-- canonical term, and a canonical term never becomes another's synonym, so the records a store
-- holds keep their reading whatever is imported later.
function Vocabulary:clash(section, name, entry)
   local subjects = section == "subjects"
   local known = subjects and self.subjects or self.scopes
   local synonyms = subjects and self.subject_synonyms or self.scope_synonyms
   local word = subjects and "subject" or "scope tag"
   if synonyms[name] and synonyms[name] ~= name then
      return string.format("'%s' is already a synonym of the %s '%s'", name, word, synonyms[name])
   end
   if subjects and entry.kind and known[name] and known[name].kind ~= entry.kind then
      return string.format("the subject '%s' is already a %s, it cannot become an %s", name, known[name].kind,
         entry.kind)
   end
   for _, syn in ipairs(entry.synonyms or {}) do
      if known[syn] and syn ~= name then
         return string.format("'%s' is a %s of its own, it cannot be a synonym of '%s'", syn, word, name)
      end
      if synonyms[syn] and synonyms[syn] ~= name then
         return string.format("'%s' is already a synonym of the %s '%s'", syn, word, synonyms[syn])
      end
   end
end

-- Adds a vocabulary table (as terms.vocabulary takes them) to this one.
function Vocabulary:add(spec)
   add(self, spec)
   return self
end

-- The canonical subject a term names and its kind, or nil when the vocabulary does not know it.
function Vocabulary:subject(term)
   local name = self.subjects[term] and term or self.subject_synonyms[term]
   if name then return name, self.subjects[name].kind end
end

-- The canonical scope tag a term names, or nil.
function Vocabulary:scope(term)
   if self.scopes[term] then return term end
   return self.scope_synonyms[term]
end

-- The canonical form of a subject for comparing, and its kind: an unknown subject is itself,
-- its kind by its name.
function Vocabulary:canonical_subject(term)
   local name, kind = self:subject(term)
   if name then return name, kind end
   return term, terms.kind_by_name(term)
end

-- A scope list as a sorted set of canonical tags (unknown tags kept as written), for comparing.
-- Made once for each list of tags (a store's claims state few, and every reader of a claim
-- asks: at bench scale 17400 58,000 times, once per subject, scope and region): the list
-- returned is shared, read it and do not change it.
function Vocabulary:canonical_scope(list)
   if list == nil then return nil end
   -- (each tag with its length: a key no two lists of tags share; none for a list of other
   -- values than text)
   local parts = {}
   for i, tag in ipairs(list) do
      if type(tag) ~= "string" then
         parts = nil
         break
      end
      parts[i] = #tag .. ":" .. tag
   end
   local key = parts and table.concat(parts, ",")
   local out = key and self.scope_sets[key]
   if out then return out end
   local set = {}
   out = {}
   for _, tag in ipairs(list) do
      local c = self:scope(tag) or tag
      if not set[c] then
         set[c] = true
         out[#out + 1] = c
      end
   end
   table.sort(out)
   if key then self.scope_sets[key] = out end
   return out
end

-- The canonical form of a claim's or list's subject and scope, for comparing: {subject =,
-- kind = "stock"|"event", scope = sorted canonical tags, or nil when the record gives no scope
-- (a count with no scope is not a count of nobody: it compares with any scope)}, and the
-- region's declared place (`region`, when a region is given: a variant is its place).
function Vocabulary:canonical(subject, scope, region)
   local name, kind = self:canonical_subject(subject)
   return { subject = name, kind = kind, scope = self:canonical_scope(scope), region = self:canonical_place(region) }
end

-- The declared place a region's name is (itself, or the place it is a variant of), or nil
-- when no `places:` declares it.
function Vocabulary:place(name)
   if self.places[name] then return name end
   return self.place_variants[name]
end

-- The form of a region's name for comparing: the declared place it names, else as written.
function Vocabulary:canonical_place(name)
   if name == nil then return nil end
   return self:place(name) or name
end

-- Why declaring place `name` with `entry` ({variants}) would give a name a second meaning, or
-- nil: a variant of one place is never another place nor a variant of another.
function Vocabulary:place_clash(name, entry)
   if self.place_variants[name] and self.place_variants[name] ~= name then
      return string.format("'%s' is already a variant of the place '%s'", name, self.place_variants[name])
   end
   for _, variant in ipairs(entry.variants or {}) do
      if self.places[variant] and variant ~= name then
         return string.format("'%s' is a place of its own, it cannot be a variant of '%s'", variant, name)
      end
      local of = self.place_variants[variant]
      if of and of ~= name then
         return string.format("'%s' is already a variant of the place '%s'", variant, of)
      end
   end
end

-- The declared place an undeclared region's name most likely means, differing from it (or
-- from one of its variants) only in spelling, or nil: the same letters but for case, spaces,
-- hyphens and apostrophes ("agdam", "Ag-dam"), or a few letters apart ("Agdamm", "Ağdam").
local function folded(s)
   local out = s:lower():gsub("[%s%-_']", "")
   return out
end

function Vocabulary:suggest_place(name)
   if self:place(name) or next(self.places) == nil then return nil end
   local candidates, of = {}, {}
   for p in pairs(self.places) do candidates[#candidates + 1] = p; of[p] = p end
   for variant, p in pairs(self.place_variants) do candidates[#candidates + 1] = variant; of[variant] = p end
   table.sort(candidates)
   local f = folded(name)
   for _, c in ipairs(candidates) do
      if folded(c) == f then return of[c] end
   end
   local near = text.did_you_mean(name, candidates):match("'(.*)'")
   if near then return of[near] end
end

local function names_of(t, synonyms)
   local out = {}
   for k in pairs(t) do out[#out + 1] = k end
   for k in pairs(synonyms) do out[#out + 1] = k end
   table.sort(out)
   return out
end

-- A known term a misspelt one most likely means: the same word in another case, singular or
-- plural ("detainee", "civilian"), or one a few letters away. Returns the canonical name, or nil.
local function suggestion(term, known, synonyms)
   local lower = term:lower():gsub("[%s%-]+", "_")
   local tries = { lower, lower .. "s", (lower:gsub("ies$", "y")), (lower:gsub("y$", "ies")), (lower:gsub("s$", "")) }
   for _, t in ipairs(tries) do
      if t ~= term then
         if known[t] then return t end
         if synonyms[t] then return synonyms[t] end
      end
   end
   local hint = text.did_you_mean(term, names_of(known, synonyms))
   local near = hint:match("'(.*)'")
   if near then return synonyms[near] or near end
end

function Vocabulary:suggest_subject(term)
   return suggestion(term, self.subjects, self.subject_synonyms)
end

function Vocabulary:suggest_scope(term)
   return suggestion(term, self.scopes, self.scope_synonyms)
end

return terms
