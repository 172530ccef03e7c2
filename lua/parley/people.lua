-- SPDX-License-Identifier: MIT
-- People (docs/people.md): one identity for each person across every list, exchange and
-- person record of a store. Every named appearance of someone is an **entry**; resolution
-- clusters entries into **people** through parley.names, under constraints (two entries of one
-- list or one exchange are different people; a reviewer's decision joins or separates), keeps
-- pairs in the review band as **uncertain** rather than merging them, and gives each person an
-- id derived from its members. db:people(filter) and db:person(id) read it; a person's
-- timeline and status tell their story.

local dates = require "parley.dates"
local names = require "parley.names"
local records = require "parley.records"

local kernels = require("parley.core").names

local people = {}

-- What a resolution depends on besides the data: bump when the method changes.
people.RESOLVER_VERSION = "1"

---------------------------------------------------------------------------- entries

-- The year of a birth date as records give it (an integer year, or a date's text or table).
local function year_of(born)
   if born == nil then return nil end
   if math.type(born) == "integer" then return born end
   local s = type(born) == "table" and born.text or tostring(born)
   return math.tointeger(tonumber(s:sub(1, 4)))
end

-- A person id the store made for an entry that gave none (LIST#N): not a person record.
local function generated(person) return person == nil or person:find("#", 1, true) ~= nil end

-- Every entry of the store: {id, kind = "person"|"list"|"transfer", group, names = {...},
-- born, category, father_name, person (a person record's id, when the entry gives one), date
-- (its period), and what it is in (list, exchange, transfer, cargo, claimant, holder, subject,
-- from, to)}, in a deterministic order.
local function gather(db)
   local entries, groups = {}, {}
   local function group_of(id, date)
      local g = groups[id]
      if not g then
         g = { id = id, entries = {}, date = date }
         groups[id] = g
         groups[#groups + 1] = g
      end
      return g
   end
   local function add(e, gid, date)
      entries[#entries + 1] = e
      local g = group_of(gid, date)
      g.entries[#g.entries + 1] = e
      e.group = gid
   end
   for p in records.persons(db) do
      if not p.listed_only then
         local ns = {}
         for _, n in ipairs(p.names or {}) do ns[#ns + 1] = type(n) == "table" and n.name or n end
         if #ns > 0 then
            -- each person record is its own group: its names are one person, and two person
            -- records may still be found to be one person
            add({ id = p.id, kind = "person", names = ns, born = year_of(p.born), category = p.category,
               father_name = p.father_name, person = p.id }, "person:" .. p.id, nil)
         end
      end
   end
   for l in records.lists(db) do
      for i, e in ipairs(l.persons or {}) do
         local name = e.name
         add({ id = l.id .. "#" .. i, kind = "list", names = { name }, written = name, born = year_of(e.born),
            category = e.category, father_name = e.father_name,
            person = not generated(e.person) and e.person or nil, list = l.id, claimant = l.claimant,
            holder = l.holder, about = l.about, subject = l.subject, date = l.as_of_period or dates.parse(l.as_of),
            date_text = l.as_of }, l.id, l.as_of_period)
      end
   end
   for x in records.exchanges(db) do
      for t, tr in ipairs(x.transfers or {}) do
         for _, cargo in ipairs({ "detainees", "remains" }) do
            local load = tr[cargo]
            for i, e in ipairs(type(load) == "table" and load.persons or {}) do
               add({ id = string.format("%s/transfers[%d].%s#%d", x.id, t, cargo, i), kind = "transfer",
                  names = { e.name }, written = e.name, born = year_of(e.born), category = e.category,
                  father_name = e.father_name, person = not generated(e.person) and e.person or nil,
                  exchange = x.id, transfer = t, cargo = cargo, from = tr.from, to = tr.to,
                  date = x.date_period or dates.parse(x.date), date_text = x.date }, "exchange:" .. x.id,
                  x.date_period)
            end
         end
      end
   end
   -- groups in date order (undated person records first), then by id: a deterministic order of
   -- the names the kernel links, whatever order the store returned them in
   table.sort(groups, function(a, b)
      local da, db_ = a.date and a.date.first or "", b.date and b.date.first or ""
      if da ~= db_ then return da < db_ end
      return a.id < b.id
   end)
   return entries, groups
end

people.birth_year = year_of

---------------------------------------------------------------------------- clusters

-- The evidence an entry carries about who it is, besides its name: its birth year and its
-- father's name (a patronymic written in the name, or father_name), as keys.
local function attributes(e)
   local fathers = {}
   local function add_father(s)
      if type(s) ~= "string" or s == "" then return end
      local ok, k = pcall(names.key, s)
      if ok and k ~= "" then fathers[#fathers + 1] = k end
   end
   for _, n in ipairs(e.names) do
      local ok, parsed = pcall(names.parse, n or "")
      if ok and parsed.patronymic then
         -- the father's given name: the patronymic without its suffix
         for _, w in ipairs(parsed.words or {}) do
            if w.role == "patronymic" then add_father((w.key or ""):gsub("ovic$", ""):gsub("evic$", "")) end
         end
      end
   end
   if e.father_name then add_father(e.father_name) end
   return { born = e.born and { e.born } or {}, fathers = fathers }
end

-- Whether two clusters' evidence says they are different people: birth years more than a year
-- apart, or fathers' names that are clearly different. A chain of good name matches between
-- namesakes (Levon Movsisyan, son of Vahan, and Levon Movsisyan, son of Gagik, each also listed
-- without a patronymic) must not make them one person.
local function attributes_differ(a, b)
   for _, x in ipairs(a.born) do
      for _, y in ipairs(b.born) do
         if math.abs(x - y) > 1 then return "born " .. x .. " and " .. y end
      end
   end
   for _, x in ipairs(a.fathers) do
      for _, y in ipairs(b.fathers) do
         if x ~= y and names.jaro_winkler(x, y) < 0.85 then return "fathers' names differ" end
      end
   end
   return false
end

-- Union-find over entries, each cluster knowing its groups (to keep two entries of one list
-- apart), its members (to honour decisions that separate) and its evidence (birth years,
-- fathers' names).
local function new_clusters(entries)
   local parent, members, groups, attrs, record_of = {}, {}, {}, {}, {}
   for _, e in ipairs(entries) do
      parent[e.id] = e.id
      members[e.id] = { e.id }
      groups[e.id] = { [e.group] = 1 }
      attrs[e.id] = attributes(e)
      record_of[e.id] = e.kind == "person" and e.id or nil
   end
   local c = {}
   function c.find(x)
      while parent[x] ~= x do
         parent[x] = parent[parent[x]]
         x = parent[x]
      end
      return x
   end
   -- whether joining the clusters of a and b would put two entries of one group, or two
   -- entries a decision keeps apart, in one person
   function c.conflict(a, b, apart)
      local ra, rb = c.find(a), c.find(b)
      if ra == rb then return false end
      for g in pairs(groups[ra]) do
         if groups[rb][g] then return "both in " .. g:gsub("^exchange:", "exchange "):gsub("^person:", "person ") end
      end
      -- two person records are two persons: the dataset says so by giving each its own
      if record_of[ra] and record_of[rb] then
         return "two person records, " .. record_of[ra] .. " and " .. record_of[rb]
      end
      local differ = attributes_differ(attrs[ra], attrs[rb])
      if differ then return differ end
      local small, big = members[ra], members[rb]
      if #small > #big then small, big = big, small end
      local in_big = {}
      for _, m in ipairs(big) do in_big[m] = true end
      for _, m in ipairs(small) do
         for other in pairs(apart[m] or {}) do
            if in_big[other] then return "a decision says " .. m .. " and " .. other .. " are different people" end
         end
      end
      return false
   end
   function c.union(a, b)
      local ra, rb = c.find(a), c.find(b)
      if ra == rb then return end
      if #members[ra] < #members[rb] then ra, rb = rb, ra end
      parent[rb] = ra
      for _, m in ipairs(members[rb]) do members[ra][#members[ra] + 1] = m end
      for g, n in pairs(groups[rb]) do groups[ra][g] = (groups[ra][g] or 0) + n end
      for _, key in ipairs({ "born", "fathers" }) do
         local into = attrs[ra][key]
         for _, v in ipairs(attrs[rb][key]) do into[#into + 1] = v end
      end
      record_of[ra] = record_of[ra] or record_of[rb]
      members[rb], groups[rb], attrs[rb], record_of[rb] = nil, nil, nil, nil
   end
   function c.members(root) return members[root] end
   return c
end

-- Every name of every entry packed for the C kernel, with its birth year, category, entry and
-- group number (the kernel never pairs two names of one group).
local function packed_names(groups)
   local packed, born, cat, owner, group_of = {}, {}, {}, {}, {}
   local empty = kernels.pack("")
   for gi, g in ipairs(groups) do
      for _, e in ipairs(g.entries) do
         for _, n in ipairs(e.names) do
            local k = #packed + 1
            packed[k] = (type(n) == "string" and kernels.pack(n)) or empty
            born[k], cat[k], owner[k] = e.born, type(e.category) == "string" and e.category or nil, e
            group_of[k] = gi
         end
      end
   end
   return packed, born, cat, owner, group_of
end

-- Candidate links: every name linked with every other in one call of the C kernel (blocked
-- as names.link blocks), never with a name of its own group (a list, an exchange, a person
-- record), each name keeping its best candidates. The cost is that of one link of the store's
-- names with themselves, whatever the number of lists.
local function candidate_links(groups, threshold, review)
   local packed, born, cat, owner, group_of = packed_names(groups)
   local links = {}
   if #packed < 2 then return links end
   local pairs_, uncertain = kernels.link(packed, packed, born, born, cat, cat, threshold, review, false, nil,
      group_of)
   -- each pair once (found from either side), at its best score
   local seen = {}
   for _, list in ipairs({ pairs_, uncertain }) do
      for _, p in ipairs(list) do
         local x, y = owner[p.left], owner[p.right]
         if x ~= y then
            if y.id < x.id then x, y = y, x end
            local key = x.id .. "\0" .. y.id
            local l = seen[key]
            if not l then
               l = { a = x.id, b = y.id, score = p.score }
               seen[key] = l
               links[#links + 1] = l
            elseif p.score > l.score then
               l.score = p.score
            end
            l.sure = l.score >= threshold
         end
      end
   end
   return links
end

-- The decisions in force: those no later decision supersedes.
local function current_decisions(db)
   local out = {}
   local ok = pcall(function()
      for d in records.identities(db, { current = true }) do out[#out + 1] = d end
   end)
   return ok and out or {}
end

local function pair_key(a, b)
   if a > b then a, b = b, a end
   return a .. "\0" .. b
end

-- Resolves db's entries into people. opts.threshold, opts.review: names.link's (defaults
-- names.threshold, names.review). Returns the resolution: {people = {...} in id order,
-- by_entry = {entry id -> person}, by_id = {person id -> person}, entries (by id), uncertain
-- (every uncertain pair), decisions (the ids used), params, version}.
function people.resolve(db, opts)
   local entries, groups = gather(db)
   return people.cluster(entries, groups, current_decisions(db), opts)
end

-- The resolution of entries already gathered (what people.resolve does after reading the
-- store; bench/people.lua calls it on generated entries). groups: {id, entries} in link order;
-- decisions: the decisions in force.
function people.cluster(entries, groups, decisions, opts)
   opts = opts or {}
   local threshold = opts.threshold or names.threshold
   local review = opts.review or names.review
   local by_id = {}
   for _, e in ipairs(entries) do by_id[e.id] = e end
   local clusters = new_clusters(entries)

   -- what the data says outright: an entry naming a person record is that person
   for _, e in ipairs(entries) do
      if e.kind ~= "person" and e.person and by_id[e.person] then clusters.union(e.id, e.person) end
   end
   -- reviewers' decisions: same joins (even two entries of one list), different keeps apart
   local apart, decided, used = {}, {}, {}
   for _, d in ipairs(decisions) do
      used[#used + 1] = d.id
      local refs = {}
      for _, r in ipairs(d.same or d.different) do
         -- a person record's id, or an entry; an entry the store no longer has is ignored
         if by_id[r] then refs[#refs + 1] = r end
      end
      for i = 1, #refs do
         for j = i + 1, #refs do
            decided[pair_key(refs[i], refs[j])] = d
            if d.different then
               apart[refs[i]] = apart[refs[i]] or {}
               apart[refs[j]] = apart[refs[j]] or {}
               apart[refs[i]][refs[j]], apart[refs[j]][refs[i]] = true, true
            end
         end
      end
      if d.same then
         for i = 2, #refs do clusters.union(refs[1], refs[i]) end
      end
   end

   local links = candidate_links(groups, threshold, review)
   -- strongest first, so that where constraints forbid a join the weakest link gives way
   table.sort(links, function(x, y)
      if x.score ~= y.score then return x.score > y.score end
      if x.a ~= y.a then return x.a < y.a end
      return x.b < y.b
   end)
   local held = {}
   for _, l in ipairs(links) do
      local d = decided[pair_key(l.a, l.b)]
      if not d then
         if l.sure then
            local why = clusters.conflict(l.a, l.b, apart)
            if why then
               l.held_apart = why
               held[#held + 1] = l
            else
               clusters.union(l.a, l.b)
            end
         else
            held[#held + 1] = l
         end
      end
   end

   -- people: each cluster, with its id (a person record's, else its smallest entry id)
   local by_entry, list, person_by_id = {}, {}, {}
   local seen_root = {}
   for _, e in ipairs(entries) do
      local root = clusters.find(e.id)
      if not seen_root[root] then
         local member_ids = clusters.members(root)
         local ms, records_ids = {}, {}
         for _, id in ipairs(member_ids) do
            ms[#ms + 1] = by_id[id]
            if by_id[id].kind == "person" then records_ids[#records_ids + 1] = id end
         end
         table.sort(ms, function(x, y)
            local dx, dy = x.date and x.date.first or "", y.date and y.date.first or ""
            if dx ~= dy then return dx < dy end
            return x.id < y.id
         end)
         table.sort(records_ids)
         -- a person record's id, else the smallest id of an entry of a list, else of any entry
         local pid = records_ids[1]
         if not pid then
            local listed, any = {}, {}
            for _, m in ipairs(ms) do
               any[#any + 1] = m.id
               if m.kind == "list" then listed[#listed + 1] = m.id end
            end
            table.sort(listed)
            table.sort(any)
            pid = listed[1] or any[1]
         end
         local ns, seen_name = {}, {}
         for _, m in ipairs(ms) do
            for _, n in ipairs(m.names) do
               if n and not seen_name[n] then
                  seen_name[n] = true
                  ns[#ns + 1] = n
               end
            end
         end
         local p = { id = pid, names = ns, entries = ms, uncertain = {} }
         seen_root[root] = p
         list[#list + 1] = p
         person_by_id[pid] = p
      end
      by_entry[e.id] = seen_root[root]
   end
   table.sort(list, function(x, y) return x.id < y.id end)

   -- uncertain pairs: between two people, not settled by a decision
   local uncertain = {}
   for _, l in ipairs(held) do
      local pa, pb = by_entry[l.a], by_entry[l.b]
      if pa ~= pb then
         local u = { a = l.a, b = l.b, person_a = pa.id, person_b = pb.id, score = l.score, held_apart = l.held_apart }
         uncertain[#uncertain + 1] = u
         pa.uncertain[#pa.uncertain + 1] = { entry = l.a, other = pb.id, other_entry = l.b, score = l.score,
            held_apart = l.held_apart }
         pb.uncertain[#pb.uncertain + 1] = { entry = l.b, other = pa.id, other_entry = l.a, score = l.score,
            held_apart = l.held_apart }
      end
   end
   return { people = list, by_entry = by_entry, by_id = person_by_id, entries = by_id, uncertain = uncertain,
      decisions = used, apart = apart, params = { threshold = threshold, review = review },
      version = people.RESOLVER_VERSION }
end

---------------------------------------------------------------------------- a person's story

-- The events of a person in date order: each entry as what happened, in words.
local function timeline(p)
   local out = {}
   for _, e in ipairs(p.entries) do
      local ev = { entry = e.id, date = e.date_text, name = e.written or e.names[1] }
      if e.kind == "list" then
         ev.kind, ev.list, ev.claimant, ev.holder, ev.subject = "listed", e.list, e.claimant, e.holder, e.subject
         ev.text = string.format("on %s's list %s of %s%s (%s) as %s", e.claimant, e.list, e.subject,
            e.holder and (" held by " .. e.holder) or "", e.date_text or "undated", ev.name)
      elseif e.kind == "transfer" then
         ev.kind = e.cargo == "remains" and "returned" or "released"
         ev.exchange, ev.from, ev.to = e.exchange, e.from, e.to
         ev.text = string.format("%s by %s to %s in %s (%s) as %s", e.cargo == "remains" and "remains returned" or
            "released", e.from, e.to, e.exchange, e.date_text or "undated", ev.name)
      else
         ev.kind = "record"
         ev.text = "person record " .. e.id .. ": " .. table.concat(e.names, ", ")
      end
      out[#out + 1] = ev
   end
   return out
end

-- The person's status by holding party: what the latest lists and transfers say.
local function status(p)
   local by_holder, order = {}, {}
   local function of(h)
      if not by_holder[h] then
         by_holder[h] = { holder = h, lists = {}, released = nil, later_lists = {} }
         order[#order + 1] = h
      end
      return by_holder[h]
   end
   for _, e in ipairs(p.entries) do
      if e.kind == "list" and e.holder then
         local s = of(e.holder)
         if s.released and e.date and s.released.date and e.date.first > s.released.date.last then
            s.later_lists[#s.later_lists + 1] = e
         else
            s.lists[#s.lists + 1] = e
         end
      elseif e.kind == "transfer" and e.from then
         local s = of(e.from)
         s.released = e
         s.later_lists = {}
      end
   end
   local out = {}
   for _, h in ipairs(order) do
      local s = by_holder[h]
      local parts = {}
      if #s.lists > 0 then
         local on = {}
         for k, e in ipairs(s.lists) do on[k] = string.format("%s's list of %s", e.claimant, e.date_text or "?") end
         parts[#parts + 1] = string.format("held by %s per %s", h, table.concat(on, " and "))
      end
      local state = #s.lists > 0 and "held" or "unknown"
      if s.released then
         parts[#parts + 1] = string.format("%s %s in %s to %s", s.released.cargo == "remains" and "remains returned" or
            "released", s.released.date_text or "?", s.released.exchange, s.released.to)
         state = "released"
         if #s.later_lists > 0 then
            local on = {}
            for k, e in ipairs(s.later_lists) do on[k] = string.format("%s's list %s of %s", e.claimant, e.list,
               e.date_text or "?") end
            parts[#parts + 1] = "still on " .. table.concat(on, " and ")
            state = "released, still listed"
         else
            parts[#parts + 1] = "on no later list"
         end
      end
      out[#out + 1] = { holder = h, state = state, text = table.concat(parts, "; ") }
   end
   return out
end

-- A person of a resolution with their timeline and status.
function people.story(p)
   local out = {}
   for k, v in pairs(p) do out[k] = v end
   out.timeline = timeline(p)
   out.status = status(p)
   return out
end

---------------------------------------------------------------------------- the store API

-- The resolution of db, computed once per state of the store (PRAGMA data_version and the
-- number of imports tell a change) and kept with the connection.
local cache = setmetatable({}, { __mode = "k" })

function people.resolution(db, opts)
   local row = db:first("SELECT count(*) AS n, max(id) AS last FROM imports")
   local key = string.format("%s/%s/%s/%s", row and row.n or 0, row and row.last or 0,
      opts and opts.threshold or "", opts and opts.review or "")
   local c = cache[db]
   if c and c.key == key then return c.resolution end
   local r = people.resolve(db, opts)
   cache[db] = { key = key, resolution = r }
   return r
end

local function matches_name(p, name)
   for _, n in ipairs(p.names) do
      local ok, is_match = pcall(names.match, n, name)
      if ok and is_match then return true end
   end
   return false
end

-- db:people(filter): every person, in id order. filter: id, name (a spelling in any script,
-- through names.match), list, exchange, uncertain = true (only those with uncertain pairs).
function people.people(db, filter)
   if filter ~= nil and type(filter) ~= "table" then
      error("bad argument #1 to 'people' (filter table expected, got " .. type(filter) .. ")", 2)
   end
   filter = filter or {}
   local known = { id = true, name = true, list = true, exchange = true, uncertain = true }
   for k in pairs(filter) do
      if not known[k] then
         error(string.format("bad argument #1 to 'people' (unknown filter key '%s'; known keys: exchange, id, " ..
            "list, name, uncertain)", tostring(k)), 2)
      end
   end
   local r = people.resolution(db)
   local i = 0
   return function()
      while true do
         i = i + 1
         local p = r.people[i]
         if not p then return nil end
         local ok = (filter.id == nil or p.id == filter.id)
            and (not filter.uncertain or #p.uncertain > 0)
            and (filter.name == nil or matches_name(p, filter.name))
         if ok and (filter.list or filter.exchange) then
            local found = false
            for _, e in ipairs(p.entries) do
               if (filter.list and e.list == filter.list) or (filter.exchange and e.exchange == filter.exchange) then
                  found = true
               end
            end
            ok = found
         end
         if ok then return p end
      end
   end
end

-- db:person(id): the person with that id (or the person an entry id belongs to), with their
-- timeline and status; nil when there is none.
function people.person(db, id)
   local r = people.resolution(db)
   local p = r.by_id[id] or r.by_entry[id]
   return p and people.story(p) or nil
end

-- Candidates for a name: people whose names match it, best score first ({person, score}).
function people.candidates(db, name, limit)
   local r = people.resolution(db)
   local out = {}
   for _, p in ipairs(r.people) do
      local best = 0
      for _, n in ipairs(p.names) do
         local ok, _, score = pcall(names.match, n, name)
         if ok and score and score > best then best = score end
      end
      if best >= names.review then out[#out + 1] = { person = p, score = best } end
   end
   table.sort(out, function(a, b)
      if a.score ~= b.score then return a.score > b.score end
      return a.person.id < b.person.id
   end)
   for k = (limit or 10) + 1, #out do out[k] = nil end
   return out
end

return people
