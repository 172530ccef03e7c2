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

local core = require "parley.core"
local json = require "parley.json"

local kernels = core.names
-- integers sorted in C (a rule's parley.core has it too); table.sort, which sorts them the
-- same only slower, where a parley.core without it is given
local sort_integers = core.sort_integers or table.sort

local people = {}

-- What a resolution depends on besides the data: bump when the method changes.
people.RESOLVER_VERSION = "3"

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

-- The period of a date as the record readers give it (X_period: the date codec's columns), else
-- what dates.parse gives for its text (nil for none).
local function period_of(text, precision, first, last)
   if text == nil then return nil end
   return { text = text, precision = precision, first = first, last = last }
end

-- An entry's birth year from its columns as the born codec reads them (the text, else the year).
local function born_of(born, born_year)
   local b = born
   if b == nil then b = born_year end
   return year_of(b)
end

-- An entry's person: the id it gives (person_given), unless the store made it (LIST#N).
local function given_person(person, given)
   if given == 1 and not generated(person) then return person end
   return nil
end

-- (person records from their names: most persons of a store are those lists name, without
-- names of their own, and a record without names is no entry)
local SELECT_PERSONS = "SELECT n.person AS id, p.born, p.born_year, p.category, p.father_name, p.listed_only, " ..
   "n.name FROM person_names n JOIN persons p ON p.id = n.person ORDER BY n.person, n.position"
local SELECT_LISTED = "SELECT l.id, l.claimant, l.holder, l.about, l.subject, l.as_of, l.as_of_precision, " ..
   "l.as_of_start, l.as_of_end, e.name, e.born, e.born_year, e.category, e.father_name, e.person, e.person_given " ..
   "FROM lists l JOIN entries e ON e.list = l.id ORDER BY l.as_of_start, l.id, e.position"
-- (through the index of entries by transfer: the planner, without statistics, would build an
-- index of its own on every read)
local SELECT_MOVED = "SELECT x.id, x.date, x.date_precision, x.date_start, x.date_end, t.id AS transfer, " ..
   "t.from_party, t.to_party, t.detainees, t.remains, e.id AS entry, e.cargo, e.name, e.born, e.born_year, " ..
   "e.category, e.father_name, e.person, e.person_given FROM exchanges x JOIN transfers t ON t.exchange = x.id " ..
   "LEFT JOIN entries e INDEXED BY entries_transfer ON e.transfer = t.id " ..
   "ORDER BY x.date_start, x.id, t.position, e.cargo, e.position"

-- Every entry of the store: {id, kind = "person"|"list"|"transfer", group, names = {...},
-- born, category, father_name, person (a person record's id, when the entry gives one), date
-- (its period), and what it is in (list, exchange, transfer, cargo, claimant, holder, subject,
-- from, to)}, in a deterministic order. Read with three joins, not the record readers
-- (parley.records: a query per list, exchange and transfer, and every field of each record
-- decoded), which were most of the time of reading a stored resolution again; the entries
-- are those the readers give (person records in id order, then lists by date and id, then
-- exchanges by date and id, each in position order), field for field.
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
   -- person records (not those only a list or transfer names): each with its names in order
   local rec, ns
   local function flush()
      -- each person record is its own group: its names are one person, and two person
      -- records may still be found to be one person
      if rec and #ns > 0 then
         add({ id = rec.id, kind = "person", names = ns, born = born_of(rec.born, rec.born_year),
            category = rec.category, father_name = rec.father_name, person = rec.id }, "person:" .. rec.id, nil)
      end
   end
   for r in db:query(SELECT_PERSONS) do
      if not rec or rec.id ~= r.id then
         flush()
         rec, ns = r, {}
      end
      if r.listed_only ~= 1 and r.name ~= nil then ns[#ns + 1] = r.name end
   end
   flush()
   -- entries of lists, numbered in each list from 1
   local list, period, i = nil, nil, 0
   for r in db:query(SELECT_LISTED) do
      if r.id ~= list then
         list, i = r.id, 0
         period = period_of(r.as_of, r.as_of_precision, r.as_of_start, r.as_of_end)
      end
      i = i + 1
      local name = r.name
      add({ id = records.list_entry_id(list, i), kind = "list", names = { name }, written = name,
         born = born_of(r.born, r.born_year), category = r.category, father_name = r.father_name,
         person = given_person(r.person, r.person_given), list = list, claimant = r.claimant, holder = r.holder,
         about = r.about, subject = r.subject, date = period or dates.parse(r.as_of), date_text = r.as_of },
         list, period)
   end
   -- entries of transfers: transfers numbered in each exchange, a cargo's entries in each
   -- transfer (detainees, then remains, each read only when the transfer gives its count)
   local x, transfer, t, cargo = nil, nil, 0, nil
   for r in db:query(SELECT_MOVED) do
      if r.id ~= x then
         x, transfer, t = r.id, nil, 0
         period = period_of(r.date, r.date_precision, r.date_start, r.date_end)
      end
      if r.transfer ~= transfer then transfer, t, cargo = r.transfer, t + 1, nil end
      if r.entry ~= nil and r[r.cargo] ~= nil then
         if r.cargo ~= cargo then cargo, i = r.cargo, 0 end
         i = i + 1
         add({ id = records.transfer_entry_id(x, t, cargo, i), kind = "transfer",
            names = { r.name }, written = r.name, born = born_of(r.born, r.born_year), category = r.category,
            father_name = r.father_name, person = given_person(r.person, r.person_given),
            exchange = x, transfer = t, cargo = cargo, from = r.from_party, to = r.to_party,
            date = period or dates.parse(r.date), date_text = r.date }, "exchange:" .. x, period)
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

-- The fathers' names (keys) a name gives in its patronymic, in the order written. Memoised by
-- the resolution (names repeat: a person is on many lists).
local function fathers_in(n)
   local out = {}
   local ok, parsed = pcall(names.parse, n or "")
   if ok and parsed.patronymic then
      -- the father's given name: the patronymic without its suffix
      for _, w in ipairs(parsed.words or {}) do
         if w.role == "patronymic" then
            local f = (w.key or ""):gsub("ovic$", ""):gsub("evic$", "")
            if f ~= "" then
               local ok_key, k = pcall(names.key, f)
               if ok_key and k ~= "" then out[#out + 1] = k end
            end
         end
      end
   end
   return out
end

-- The key of a father_name, or nil.
local function father_key(s)
   if type(s) ~= "string" or s == "" then return nil end
   local ok, k = pcall(names.key, s)
   if ok and k ~= "" then return k end
end

-- Appends to list the values of from it lacks: each value once, in the order first met, which
-- is all attributes_differ needs (its answer, and the reason it gives, depend only on the first
-- pair that differs, and a repeated value comes later). The lists are short (the distinct
-- years, or fathers, of one person): a scan is cheaper than a set per entry.
local function add_new(list, from)
   for _, v in ipairs(from) do
      local found = false
      for i = 1, #list do
         if list[i] == v then
            found = true
            break
         end
      end
      if not found then list[#list + 1] = v end
   end
end

-- The fathers' names an entry gives, as keys, each once (a patronymic written in a name, or
-- father_name), or nil for none. memo: name -> fathers_in(name).
local function fathers_of(e, memo)
   local fathers
   for _, n in ipairs(e.names) do
      local fs = memo[n]
      if not fs then
         fs = fathers_in(n)
         memo[n] = fs
      end
      if #fs > 0 then
         fathers = fathers or {}
         add_new(fathers, fs)
      end
   end
   if e.father_name then
      local k = father_key(e.father_name)
      if k then
         fathers = fathers or {}
         add_new(fathers, { k })
      end
   end
   return fathers
end

-- Whether two clusters' evidence says they are different people: birth years more than a year
-- apart, or fathers' names that are clearly different (born_a, fathers_a: the years and the
-- fathers' keys of one, nil for none). A chain of good name matches between namesakes (Levon
-- Movsisyan, son of Vahan, and Levon Movsisyan, son of Gagik, each also listed without a
-- patronymic) must not make them one person.
local function attributes_differ(born_a, fathers_a, born_b, fathers_b)
   if born_a and born_b then
      for _, x in ipairs(born_a) do
         for _, y in ipairs(born_b) do
            if math.abs(x - y) > 1 then return "born " .. x .. " and " .. y end
         end
      end
   end
   if fathers_a and fathers_b then
      for _, x in ipairs(fathers_a) do
         for _, y in ipairs(fathers_b) do
            if x ~= y and names.jaro_winkler(x, y) < 0.85 then return "fathers' names differ" end
         end
      end
   end
   return false
end

-- Union-find over entries, each cluster knowing its groups (to keep two entries of one list
-- apart), its members (to honour decisions that separate) and its evidence (birth years,
-- fathers' names: a list for a cluster that has some, each value once). Its functions take
-- roots (find's), so that a link costs two finds.
local function new_clusters(entries)
   local parent, members, groups, ngroups, born, fathers, record_of = {}, {}, {}, {}, {}, {}, {}
   local memo, held_by = {}, {}
   for _, e in ipairs(entries) do
      local id = e.id
      parent[id] = id
      members[id] = { id }
      groups[id] = { [e.group] = 1 }
      ngroups[id] = 1
      born[id] = e.born and { e.born } or nil
      fathers[id] = fathers_of(e, memo)
      record_of[id] = e.kind == "person" and id or nil
   end
   local c = {}
   function c.find(x)
      while parent[x] ~= x do
         parent[x] = parent[parent[x]]
         x = parent[x]
      end
      return x
   end
   -- whether joining the clusters of roots ra and rb would put two entries of one group, or
   -- two entries a decision keeps apart, in one person
   function c.conflict(ra, rb, apart)
      if ra == rb then return false end
      -- the smallest group both have: the first pairs() met depended on the process's string
      -- hashes, so the same store gave another reason (and other findings' details) run to run
      -- (the smaller cluster's groups looked up in the other's: the same groups both have)
      local shared
      local ga, gb = groups[ra], groups[rb]
      if ngroups[ra] > ngroups[rb] then ga, gb = gb, ga end
      for g in pairs(ga) do
         if gb[g] and (not shared or g < shared) then shared = g end
      end
      if shared then
         -- (most links held apart are: the reason of each group written once)
         local why = held_by[shared]
         if not why then
            why = "both in " .. shared:gsub("^exchange:", "exchange "):gsub("^person:", "person ")
            held_by[shared] = why
         end
         return why
      end
      -- two person records are two persons: the dataset says so by giving each its own
      if record_of[ra] and record_of[rb] then
         return "two person records, " .. record_of[ra] .. " and " .. record_of[rb]
      end
      local differ = attributes_differ(born[ra], fathers[ra], born[rb], fathers[rb])
      if differ then return differ end
      -- (no decision keeps anyone apart: nothing to look for)
      if next(apart) == nil then return false end
      local small, big = members[ra], members[rb]
      if #small > #big then small, big = big, small end
      local in_big
      for _, m in ipairs(small) do
         -- (the first by id of those a decision keeps m apart from, as above)
         local first
         local of_m = apart[m]
         if of_m then
            if not in_big then
               in_big = {}
               for _, x in ipairs(big) do in_big[x] = true end
            end
            for other in pairs(of_m) do
               if in_big[other] and (not first or other < first) then first = other end
            end
         end
         if first then return "a decision says " .. m .. " and " .. first .. " are different people" end
      end
      return false
   end
   -- the evidence of roots ra and rb together, in ra's (rb's lists are free to take: rb is
   -- no root after the union)
   local function merge(of, ra, rb)
      local into, from = of[ra], of[rb]
      if not from then return end
      if into then add_new(into, from) else of[ra] = from end
   end
   function c.union(ra, rb)
      if ra == rb then return end
      if #members[ra] < #members[rb] then ra, rb = rb, ra end
      parent[rb] = ra
      local into = members[ra]
      for _, m in ipairs(members[rb]) do into[#into + 1] = m end
      local gs, n = groups[ra], ngroups[ra]
      for g, k in pairs(groups[rb]) do
         local had = gs[g]
         if not had then n = n + 1 end
         gs[g] = (had or 0) + k
      end
      ngroups[ra] = n
      merge(born, ra, rb)
      merge(fathers, ra, rb)
      record_of[ra] = record_of[ra] or record_of[rb]
      members[rb], groups[rb], ngroups[rb], born[rb], fathers[rb], record_of[rb] = nil, nil, nil, nil, nil, nil
   end
   function c.members(root) return members[root] end
   return c
end

-- Every name of every entry packed for the C kernel, with its birth year, category, entry and
-- group number (the kernel never pairs two names of one group); with only (a set of entries),
-- also the positions of those entries' names (the left side of an incremental link).
local function packed_names(groups, only)
   local packed, born, cat, owner, group_of = {}, {}, {}, {}, {}
   local left = {}
   local empty = kernels.pack("")
   -- each distinct name packed once (a person is on many lists, spelled alike)
   local pack_of = {}
   for gi, g in ipairs(groups) do
      for _, e in ipairs(g.entries) do
         for _, n in ipairs(e.names) do
            local k = #packed + 1
            local p = pack_of[n]
            if p == nil then
               p = (type(n) == "string" and kernels.pack(n)) or empty
               pack_of[n] = p
            end
            packed[k] = p
            born[k], cat[k], owner[k] = e.born, type(e.category) == "string" and e.category or nil, e
            group_of[k] = gi
            if only == nil or only[e.id] then left[#left + 1] = k end
         end
      end
   end
   return packed, born, cat, owner, group_of, left
end

-- The positions ks of the arrays given, as arrays of their own.
local function subset(ks, ...)
   local out = {}
   for a, arr in ipairs({ ... }) do
      local s = {}
      for i, k in ipairs(ks) do s[i] = arr[k] end
      out[a] = s
   end
   return table.unpack(out)
end

local function pair_key(a, b)
   if a > b then a, b = b, a end
   return a .. "\0" .. b
end

-- Candidate links {a, b, score} (a < b, each pair once at its best score), in one call of the
-- C kernel (blocked as names.link blocks), never between two names of one group (a list, an
-- exchange, a person record), each name keeping its best candidates. only (a set of entry
-- ids, or nil for all): link only those entries' names, with every name of the store (an
-- incremental resolution's new entries). Also returns the work: names linked, pairs scored.
local function candidate_links(groups, threshold, review, rank, only, exhaustive)
   -- no entry to link (a stored resolution read again): nothing to pack
   if only ~= nil and next(only) == nil then return {}, { linked = 0, compared = 0 } end
   local packed, born, cat, owner, group_of, left = packed_names(groups, only)
   local links, work = {}, { linked = #left, compared = 0 }
   if #left == 0 or #packed < 2 then return links, work end
   -- (flat: the pairs, then the uncertain pairs, as arrays of left and right positions and
   -- scores, without a table per pair)
   local lefts, rights, scores, _, compared
   local left_owner = owner
   if only == nil then
      lefts, rights, scores, _, compared = kernels.link(packed, packed, born, born, cat, cat, threshold, review,
         exhaustive == true, nil, group_of, nil, false, true)
   else
      local lp, lb, lc, lg, lo = subset(left, packed, born, cat, group_of, owner)
      lefts, rights, scores, _, compared = kernels.link(lp, packed, lb, born, lc, cat, threshold, review, false, nil,
         lg, group_of, false, true)
      -- the kernel's left positions are those of the subset
      left_owner = lo
   end
   work.compared = compared
   -- each pair once, by the positions of its two entries' first names (numbers: cheaper keys
   -- than the ids' text)
   local first_of, seen = {}, {}
   for k = #owner, 1, -1 do first_of[owner[k]] = k end
   local n = #owner + 1
   for k = 1, #lefts do
      local x, y = left_owner[lefts[k]], owner[rights[k]]
      if x ~= y then
         if rank[y.id] < rank[x.id] then x, y = y, x end -- (as y.id < x.id)
         local key = first_of[x] * n + first_of[y]
         local l = seen[key]
         local score = scores[k]
         if not l then
            l = { a = x.id, b = y.id, score = score }
            seen[key] = l
            links[#links + 1] = l
         elseif score > l.score then
            l.score = score
         end
      end
   end
   return links, work
end

-- The decisions in force: those no later decision supersedes.
local function current_decisions(db)
   local out = {}
   local ok = pcall(function()
      for d in records.identities(db, { current = true }) do out[#out + 1] = d end
   end)
   return ok and out or {}
end

-- What the decisions in force say, for entries by_id: apart (entry -> set of entries a
-- decision keeps it apart from), decided (pair key -> decision), joins ({a, b} pairs a
-- decision makes one person), used (their ids, sorted), refs (decision id -> its entries).
local function read_decisions(decisions, by_id)
   local apart, decided, joins, used, refs_of = {}, {}, {}, {}, {}
   for _, d in ipairs(decisions) do
      used[#used + 1] = d.id
      local refs = {}
      for _, r in ipairs(d.same or d.different) do
         -- a person record's id, or an entry; an entry the store no longer has is ignored
         if by_id[r] then refs[#refs + 1] = r end
      end
      refs_of[d.id] = refs
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
         for i = 2, #refs do joins[#joins + 1] = { refs[1], refs[i] } end
      end
   end
   table.sort(used)
   return { apart = apart, decided = decided, joins = joins, used = used, refs = refs_of }
end

local function by_date_then_id(x, y)
   local dx, dy = x.date and x.date.first or "", y.date and y.date.first or ""
   if dx ~= dy then return dx < dy end
   return x.id < y.id
end

-- A person of member entries: {id, names (every spelling, in date order), entries (in date
-- order), uncertain (made when first read: lazy_uncertain)}. Its id: a person record's (the
-- smallest), else the smallest id of a list entry, else of any entry.
local function new_person(ms, pid)
   table.sort(ms, by_date_then_id)
   if not pid then
      local rec, listed, any
      for _, m in ipairs(ms) do
         if m.kind == "person" and (not rec or m.id < rec) then rec = m.id end
         if m.kind == "list" and (not listed or m.id < listed) then listed = m.id end
         if not any or m.id < any then any = m.id end
      end
      pid = rec or listed or any
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
   return { id = pid, names = ns, entries = ms }
end

-- Pairs {a, b, score} by score, highest first, then by a and b: sorted score by score, each
-- score's pairs by the text a \0 b (many pairs share a score: comparing their keys in C, not
-- in a Lua comparator, is what makes this fast). The key a \0 b compares as a, then b (ids
-- hold no \0), so each id's rank among the ids of shared scores (one sort of the ids) makes
-- an integer key of a pair that sorts the same: no string per pair, no string comparison (and
-- integers sorted in C, sort_integers). rank (optional): every id's rank already, below n.
local function strongest_first(list, rank, n)
   local by_score, scores = {}, {}
   for _, l in ipairs(list) do
      local b = by_score[l.score]
      if not b then
         b = {}
         by_score[l.score] = b
         scores[#scores + 1] = l.score
      end
      b[#b + 1] = l
   end
   table.sort(scores, function(x, y) return x > y end)
   if not rank then
      -- the ranks of the ids of the pairs that share a score
      local ids = {}
      rank = {}
      for _, score in ipairs(scores) do
         local b = by_score[score]
         if #b > 1 then
            for _, l in ipairs(b) do
               local a, z = l.a, l.b
               if not rank[a] then
                  rank[a] = true
                  ids[#ids + 1] = a
               end
               if not rank[z] then
                  rank[z] = true
                  ids[#ids + 1] = z
               end
            end
         end
      end
      table.sort(ids)
      for i, id in ipairs(ids) do rank[id] = i end
      n = #ids + 1
   end
   local out = {}
   for _, score in ipairs(scores) do
      local b = by_score[score]
      if #b == 1 then
         out[#out + 1] = b[1]
      else
         local keys, of = {}, {}
         for i, l in ipairs(b) do
            local k = rank[l.a] * n + rank[l.b]
            keys[i] = k
            of[k] = l
         end
         sort_integers(keys)
         for _, k in ipairs(keys) do out[#out + 1] = of[k] end
      end
   end
   return out
end

-- Clusters the entries of set (entry id -> true) with the links among them, strongest first,
-- under the constraints (a link that would break one is held apart, its reason on the link).
-- Returns the people of the set.
local function settle(entries, set, by_id, links, dec, threshold, rank, nrank)
   local members = {}
   for _, e in ipairs(entries) do
      if set[e.id] then members[#members + 1] = e end
   end
   local clusters = new_clusters(members)
   -- what the data says outright: an entry naming a person record is that person
   local find, union = clusters.find, clusters.union
   for _, e in ipairs(members) do
      if e.kind ~= "person" and e.person and set[e.person] then union(find(e.id), find(e.person)) end
   end
   -- reviewers' decisions: same joins (even two entries of one list), different keeps apart
   for _, j in ipairs(dec.joins) do
      if set[j[1]] and set[j[2]] then union(find(j[1]), find(j[2])) end
   end
   -- the links that may join: at or above the threshold, not settled by a decision (those
   -- below are uncertain whatever happens, and need no order)
   local mine = {}
   local decided = next(dec.decided) ~= nil and dec.decided -- (a pair's key only when there are decisions)
   for _, l in ipairs(links) do
      if set[l.a] then
         l.held_apart = nil
         if l.score >= threshold and not (decided and decided[pair_key(l.a, l.b)]) then mine[#mine + 1] = l end
      end
   end
   -- strongest first, so that where constraints forbid a join the weakest link gives way
   local conflict, apart = clusters.conflict, dec.apart
   for _, l in ipairs(strongest_first(mine, rank, nrank)) do
      local ra, rb = find(l.a), find(l.b)
      -- (most links are within a person already: nothing to check)
      if ra ~= rb then
         local why = conflict(ra, rb, apart)
         if why then l.held_apart = why else union(ra, rb) end
      end
   end
   local out, of_root = {}, {}
   for _, e in ipairs(members) do
      local root = clusters.find(e.id)
      if not of_root[root] then
         local ms = {}
         for _, id in ipairs(clusters.members(root)) do ms[#ms + 1] = by_id[id] end
         of_root[root] = new_person(ms)
         out[#out + 1] = of_root[root]
      end
   end
   return out
end

-- The entries a resolution must cluster again: those of sets seeds, and every entry linked to
-- one (by a candidate link, a person record it names, a decision that joins), transitively.
-- Clustering is greedy within each such component and never across two, so clustering the
-- components of the seeds again with their links gives what clustering everything would.
local function closure(entries, by_id, links, dec, seeds)
   -- nothing changed (a stored resolution read again): no graph to build
   if next(seeds) == nil then return {} end
   local adj = {}
   local function edge(a, b)
      adj[a] = adj[a] or {}
      adj[b] = adj[b] or {}
      adj[a][#adj[a] + 1], adj[b][#adj[b] + 1] = b, a
   end
   for _, l in ipairs(links) do edge(l.a, l.b) end
   for _, e in ipairs(entries) do
      if e.kind ~= "person" and e.person and by_id[e.person] then edge(e.id, e.person) end
   end
   for _, j in ipairs(dec.joins) do edge(j[1], j[2]) end
   local set, stack = {}, {}
   for id in pairs(seeds) do
      if by_id[id] and not set[id] then
         set[id] = true
         stack[#stack + 1] = id
      end
   end
   while #stack > 0 do
      local id = table.remove(stack)
      for _, other in ipairs(adj[id] or {}) do
         if not set[other] then
            set[other] = true
            stack[#stack + 1] = other
         end
      end
   end
   return set
end

-- r.uncertain and each person's `uncertain`, made when either is first read (and r.links, when
-- links is a function that reads them: people.cluster's base.links): the links between
-- two people (below the threshold, or held apart) that no decision settles, every one in
-- r.uncertain (strongest first) and each on both its people ({entry, other, other_entry,
-- score, held_apart}, in the links' order). Most readers never look (at 100,000 claims 380,000
-- pairs, three tables each, and a sort: half the time of reading a stored resolution).
local function lazy_uncertain(r, links, dec, threshold, rank, nrank)
   local list, by_entry = r.people, r.by_entry
   local function make()
      if type(links) == "function" then
         links = links()
         rawset(r, "links", links)
      end
      for _, p in ipairs(list) do rawset(p, "uncertain", {}) end
      local uncertain = {}
      -- (a pair's key is made only when there are decisions)
      local decided = next(dec.decided) ~= nil and dec.decided
      for _, l in ipairs(links) do
         local a, b = l.a, l.b
         local pa, pb = by_entry[a], by_entry[b]
         if pa ~= pb then
            local score, held = l.score, l.held_apart
            if (score < threshold or held) and not (decided and decided[pair_key(a, b)]) then
               local ia, ib = pa.id, pb.id
               uncertain[#uncertain + 1] = { a = a, b = b, person_a = ia, person_b = ib, score = score,
                  held_apart = held }
               local ua, ub = pa.uncertain, pb.uncertain
               ua[#ua + 1] = { entry = a, other = ib, other_entry = b, score = score, held_apart = held }
               ub[#ub + 1] = { entry = b, other = ia, other_entry = a, score = score, held_apart = held }
            end
         end
      end
      rawset(r, "uncertain", strongest_first(uncertain, rank, nrank))
   end
   local function field(t, k)
      if k ~= "uncertain" and not (k == "links" and t == r) then return nil end
      if rawget(r, "uncertain") == nil then make() end
      return rawget(t, k)
   end
   local lazy = { __index = field }
   for _, p in ipairs(list) do setmetatable(p, lazy) end
   setmetatable(r, lazy)
end

-- The resolution of entries already gathered (what people.resolve does after reading the
-- store; bench/people.lua calls it on generated entries). groups: {id, entries} in link order;
-- decisions: the decisions in force; opts: threshold, review, exhaustive (every pair scored,
-- no blocking: bench/people.lua measures what blocking loses). With base (an earlier
-- resolution of some of these entries with the same parameters: {person_of = {entry id ->
-- person id}, links = {{a, b, score, held_apart}...}, decisions = {ids}}), only the new
-- entries' names are linked (with every name) and only the components of the new entries and
-- of the decisions that changed are clustered again: every other person keeps its entries and
-- its id. Returns the resolution: {people = {...} in id order, by_entry = {entry id ->
-- person}, by_id = {person id -> person}, entries (by id), uncertain (every uncertain pair),
-- links (every candidate link), decisions (the ids used), params, version, work = {entries,
-- new, linked (names linked), compared (pairs scored), reclustered (entries clustered
-- again)}, touched (the set of entries clustered again)}.
function people.cluster(entries, groups, decisions, opts, base)
   opts = opts or {}
   local threshold = opts.threshold or names.threshold
   local review = opts.review or names.review
   local by_id = {}
   for _, e in ipairs(entries) do by_id[e.id] = e end
   local dec = read_decisions(decisions, by_id)
   -- every entry's rank in id order: pairs ordered by their entries' ids compare integers
   local rank, ids = {}, {}
   for i, e in ipairs(entries) do ids[i] = e.id end
   table.sort(ids)
   for i, id in ipairs(ids) do rank[id] = i end
   local nrank = #ids + 1

   local links, work, touched
   if base then
      local new = {}
      for _, e in ipairs(entries) do
         if base.person_of[e.id] == nil then new[e.id] = true end
      end
      -- the seeds: new entries, entries of a decision made or withdrawn since, entries of the
      -- base that are gone (their people lose a member)
      local seeds = {}
      for id in pairs(new) do seeds[id] = true end
      local before = {}
      for _, id in ipairs(base.decisions) do before[id] = true end
      local now = {}
      for _, d in ipairs(decisions) do
         now[d.id] = true
         if not before[d.id] then
            for _, r in ipairs(dec.refs[d.id]) do seeds[r] = true end
         end
      end
      local withdrawn = false
      for id in pairs(before) do withdrawn = withdrawn or not now[id] end
      local gone_people = {}
      for id, pid in pairs(base.person_of) do
         if not by_id[id] then gone_people[pid] = true end
      end
      for id, pid in pairs(base.person_of) do
         if gone_people[pid] and by_id[id] then seeds[id] = true end
      end
      if withdrawn then
         -- a withdrawn decision's entries are no longer known: every entry of a person that
         -- a decision may have shaped (one whose members a link held apart or joined across
         -- a list) is clustered again; simplest and sure is all of them
         for _, e in ipairs(entries) do seeds[e.id] = true end
      end
      -- the base's links between entries the store still has
      local function kept_links()
         local all, kept = base.links, {}
         if type(all) == "function" then all = all() end
         for _, l in ipairs(all) do
            if by_id[l.a] and by_id[l.b] then kept[#kept + 1] = l end
         end
         return kept
      end
      if next(seeds) == nil and type(base.links) == "function" then
         -- nothing to cluster again (a stored resolution read again): the links are read
         -- only when the uncertain pairs are (lazy_uncertain)
         links, work, touched = kept_links, { linked = 0, compared = 0 }, {}
      else
         -- and the new entries' links
         links = kept_links()
         local added
         added, work = candidate_links(groups, threshold, review, rank, next(new) and new or {})
         local index = {}
         -- (no new links, nothing to look up: the base's links are kept as they are)
         for i = 1, #added > 0 and #links or 0 do index[pair_key(links[i].a, links[i].b)] = links[i] end
         for _, l in ipairs(added) do
            local old = index[pair_key(l.a, l.b)]
            if not old then
               links[#links + 1] = l
            elseif l.score > old.score then
               old.score = l.score
            end
         end
         touched = closure(entries, by_id, links, dec, seeds)
      end
   else
      links, work = candidate_links(groups, threshold, review, rank, nil, opts.exhaustive)
      touched = by_id
   end

   -- people: those of the touched components clustered again, the others as the base has them
   local list, by_entry, person_by_id = {}, {}, {}
   local reclustered = 0
   local settled = next(touched) and settle(entries, touched, by_id, links, dec, threshold, rank, nrank) or {}
   for _, p in ipairs(settled) do
      list[#list + 1] = p
      reclustered = reclustered + #p.entries
   end
   if base then
      local kept, order = {}, {}
      for _, e in ipairs(entries) do
         if not touched[e.id] then
            local pid = base.person_of[e.id]
            local ms = kept[pid]
            if not ms then
               ms = {}
               kept[pid] = ms
               order[#order + 1] = pid
            end
            ms[#ms + 1] = e
         end
      end
      for _, pid in ipairs(order) do list[#list + 1] = new_person(kept[pid], pid) end
   end
   table.sort(list, function(x, y) return x.id < y.id end)
   for _, p in ipairs(list) do
      person_by_id[p.id] = p
      for _, e in ipairs(p.entries) do by_entry[e.id] = p end
   end

   local r = { people = list, by_entry = by_entry, by_id = person_by_id, entries = by_id,
      links = type(links) == "table" and links or nil, decisions = dec.used, apart = dec.apart,
      params = { threshold = threshold, review = review }, version = people.RESOLVER_VERSION, work = work,
      touched = touched }
   lazy_uncertain(r, links, dec, threshold, rank, nrank)
   work.entries, work.reclustered, work.new = #entries, reclustered, #entries
   if base then
      work.new = 0
      for _, e in ipairs(entries) do
         if base.person_of[e.id] == nil then work.new = work.new + 1 end
      end
   end
   return r
end

-- The share of new entries from which resolving from nothing is chosen over resolving from a
-- base: at bench scale 1740, with a third of the lists new, the two take about as long, and
-- resolving from nothing is exact where resolving from a base is not (docs/people.md).
local NEW_FROM_NOTHING = 1 / 3

-- people.resolve, and the base it used: none when new entries are NEW_FROM_NOTHING or more of
-- them.
local function resolve(db, opts, base)
   local entries, groups = gather(db)
   if base then
      local new = 0
      for _, e in ipairs(entries) do
         if base.person_of[e.id] == nil then new = new + 1 end
      end
      if new > 0 and new >= NEW_FROM_NOTHING * #entries then base = nil end
   end
   return people.cluster(entries, groups, current_decisions(db), opts, base), base
end

-- Resolves db's entries into people, from nothing (opts.threshold, opts.review: names.link's;
-- defaults names.threshold, names.review), or from base (see people.cluster; from
-- nothing when a third of the entries or more are new). Returns the
-- resolution (people.cluster's).
function people.resolve(db, opts, base)
   return (resolve(db, opts, base))
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
   out.uncertain = p.uncertain -- (made when first read)
   out.timeline = timeline(p)
   out.status = status(p)
   return out
end

---------------------------------------------------------------------------- the store API

---------------------------------------------------------------------------- the stored resolution

-- A resolution is derived data, stored in the store it resolves (schema migration 8: tables
-- resolutions, resolution_people, resolution_entries, resolution_links; docs/people.md):
-- one per parameter set (its scope), with the resolver's version, its parameters, the
-- decisions it used and the imports it read. people.resolution reads it when it is current,
-- and otherwise resolves again from it (only the new entries' blocks) and stores the result.

local function params_of(opts)
   return { threshold = opts and opts.threshold or names.threshold, review = opts and opts.review or names.review }
end

-- The scope of a parameter set, as stored.
function people.scope(opts)
   local p = params_of(opts)
   return tostring(p.threshold) .. "/" .. tostring(p.review)
end

-- What a resolution read: the last import and a digest of every import (imports are
-- append-only, so these name the records and decisions it was computed from).
local function inputs_of(db)
   local parts, last = {}, 0
   for row in db:query("SELECT id, sha256 FROM imports ORDER BY id") do
      parts[#parts + 1] = row.id .. ":" .. row.sha256
      last = row.id
   end
   return { imports = last, digest = core.sha256(table.concat(parts, ";")) }
end

-- The current stored resolution of scope, or nil (none, or a store without the tables).
local function stored_header(db, scope)
   local ok, row = pcall(db.first, db,
      "SELECT * FROM resolutions WHERE scope = ? AND current = 1 ORDER BY id DESC LIMIT 1", scope)
   return ok and row or nil
end

-- The links of a stored resolution: {a, b, score, held_apart} each (a row as it is).
local function load_links(db, header)
   local links = {}
   for row in db:query("SELECT a, b, score, held_apart FROM resolution_links WHERE scope = ?", header.scope) do
      links[#links + 1] = row
   end
   return links
end

-- A stored resolution as people.cluster's base. lazy: its links are read when people.cluster
-- first needs them (a current resolution read again: only to tell the uncertain pairs, and
-- most readers never ask), from the same stored resolution or not at all.
local function load_base(db, header, lazy)
   local person_of = {}
   for row in db:query("SELECT entry, person FROM resolution_entries WHERE scope = ?", header.scope) do
      person_of[row.entry] = row.person
   end
   local decisions = json.decode(header.decisions)
   local links
   if lazy then
      links = function()
         local now = stored_header(db, header.scope)
         if not now or now.id ~= header.id then
            error("the stored resolution of people changed after it was read (another import or run): " ..
               "read it again", 0)
         end
         return load_links(db, header)
      end
   else
      links = load_links(db, header)
   end
   return { person_of = person_of, links = links, decisions = type(decisions) == "table" and decisions or {} }
end

local function exec(db, sql, ...)
   local n, err = db:exec(sql, ...)
   if not n then error(err, 0) end
   return n
end

-- A writer of rows into a table, ROWS_AT_ONCE rows a statement (a statement, its binding and
-- the call per row cost more than the row: 800,000 rows at 100k claims): add(v1, ..., vn)
-- adds a row of ncols (3 or 5) values, flush() writes what is left. into: "INSERT INTO t (c...)".
local ROWS_AT_ONCE = 100
local function inserter(db, into, ncols)
   local args, nrows = {}, 0
   local one = "(" .. string.rep("?", ncols, ", ") .. ")"
   local full = into .. " VALUES " .. string.rep(one, ROWS_AT_ONCE, ", ")
   local function flush()
      if nrows == 0 then return end
      -- (args past the last row are those of an earlier statement: a shorter one binds fewer)
      exec(db, nrows == ROWS_AT_ONCE and full or into .. " VALUES " .. string.rep(one, nrows, ", "), args)
      nrows = 0
   end
   -- (a function for each width: a row's values assigned as they are, not picked by select)
   local add
   if ncols == 3 then
      add = function(a, b, c)
         local at = nrows * 3
         args[at + 1], args[at + 2], args[at + 3] = a, b, c
         nrows = nrows + 1
         if nrows == ROWS_AT_ONCE then flush() end
      end
   else
      assert(ncols == 5, "inserter: 3 or 5 columns")
      add = function(a, b, c, d, e)
         local at = nrows * 5
         args[at + 1], args[at + 2], args[at + 3], args[at + 4], args[at + 5] = a, b, c, d, e
         nrows = nrows + 1
         if nrows == ROWS_AT_ONCE then flush() end
      end
   end
   return add, flush
end

-- Stores resolution r of scope (replacing the rows of the entries it clustered again, all
-- of them without a base) and a new header, the current one of its scope. Returns its id.
local function store_resolution(db, scope, r, base, basis, inputs)
   db:transaction(function()
      local touched = r.touched
      if not base then
         for _, t in ipairs({ "resolution_people", "resolution_entries", "resolution_links" }) do
            exec(db, "DELETE FROM " .. t .. " WHERE scope = ?", scope)
         end
      else
         local gone = {}
         for id in pairs(touched) do
            local pid = base.person_of[id]
            if pid and not gone[pid] then
               gone[pid] = true
               exec(db, "DELETE FROM resolution_people WHERE scope = ? AND id = ?", scope, pid)
            end
            exec(db, "DELETE FROM resolution_entries WHERE scope = ? AND entry = ?", scope, id)
            -- a link lies within one component: both its entries are touched, or neither
            exec(db, "DELETE FROM resolution_links WHERE scope = ? AND a = ?", scope, id)
         end
      end
      -- the rows in the order of their keys: a B-tree takes rows in order several times
      -- faster than in the order the people and links come (at 100k claims, 615,000 links:
      -- 1 s against 3.7 s), and a sort of integer keys costs less than that
      local person, flush_people = inserter(db, "INSERT INTO resolution_people (scope, id, names)", 3)
      local ids, person_of = {}, {}
      for _, p in ipairs(r.people) do -- (in id order)
         if touched[p.entries[1].id] then
            person(scope, p.id, json.encode(p.names))
            for _, e in ipairs(p.entries) do
               ids[#ids + 1] = e.id
               person_of[e.id] = p.id
            end
         end
      end
      flush_people()
      table.sort(ids)
      local entry, flush_entries = inserter(db, "INSERT INTO resolution_entries (scope, entry, person)", 3)
      for _, id in ipairs(ids) do entry(scope, id, person_of[id]) end
      flush_entries()
      local link, flush_links = inserter(db, "INSERT INTO resolution_links (scope, a, b, score, held_apart)", 5)
      local mine = {}
      for _, l in ipairs(r.links) do
         if touched[l.a] then mine[#mine + 1] = l end
      end
      -- a link's key: its entries' ranks and its position, one integer (when it fits: else
      -- the links go in the order they come)
      local rank = {}
      for i, id in ipairs(ids) do rank[id] = i end
      local n, m = #ids + 1, #mine + 1
      local keys = {}
      if n * n < math.maxinteger // m then
         for i, l in ipairs(mine) do
            local ra, rb = rank[l.a], rank[l.b]
            if not (ra and rb) then -- (a link always lies within the people stored)
               keys = nil
               break
            end
            keys[i] = (ra * n + rb) * m + i
         end
      else
         keys = nil
      end
      if keys then
         sort_integers(keys)
         for _, k in ipairs(keys) do
            local l = mine[k % m]
            link(scope, l.a, l.b, l.score, l.held_apart)
         end
      else
         for _, l in ipairs(mine) do link(scope, l.a, l.b, l.score, l.held_apart) end
      end
      flush_links()
      exec(db, "UPDATE resolutions SET current = 0 WHERE scope = ? AND current = 1", scope)
      exec(db, "INSERT INTO resolutions (scope, resolver, params, imports, inputs, decisions, resolved_at, basis, " ..
         "work) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", scope, r.version, json.encode(r.params), inputs.imports,
         inputs.digest, json.encode(r.decisions), os.date("!%Y-%m-%dT%H:%M:%SZ"), basis, json.encode(r.work))
      r.stored = db:last_insert_rowid()
   end)
   return r.stored
end

-- Whether a stored resolution's header is that of the store as it is: the same resolver, and
-- the same imports (records and decisions) read.
local function is_current(header, inputs)
   return header ~= nil and header.resolver == people.RESOLVER_VERSION and header.imports == inputs.imports and
      header.inputs == inputs.digest
end

--- The id of the stored resolution for opts (threshold, review) when it is current (what
-- people.resolution would give, read from the store as it is), else nil: what the engine
-- records on a run without resolving again (gathering every entry and clustering from the
-- stored one: 13 s at bench scale 17400) when a run before stored it.
-- @tparam Database db the store
-- @tparam[opt] table opts threshold, review
-- @treturn ?integer the resolution's id
function people.current_stored(db, opts)
   local header = stored_header(db, people.scope(params_of(opts)))
   if is_current(header, inputs_of(db)) then return header.id end
end

-- Resolutions by connection and scope: computed once per state of the store.
local cache = setmetatable({}, { __mode = "k" })

-- The resolution of db for opts (threshold, review; defaults parley.names'), the shape
-- people.cluster returns, plus stored (the id of the stored resolution it is, nil when it
-- could not be stored: a read-only connection; store_error says why when storing failed) and
-- from_store (true when it was read, not computed). The stored resolution of these
-- parameters is read when it is current (same resolver, same imports); otherwise the store is
-- resolved again from it (only the new entries' blocks; from nothing when there is none or its
-- resolver differs) and the result stored when the connection can write. opts.full: resolve
-- from nothing whatever is stored.
function people.resolution(db, opts)
   local params = params_of(opts)
   local scope = people.scope(params)
   local inputs = inputs_of(db)
   local c = cache[db]
   if c and c[scope] and c[scope].digest == inputs.digest and not (opts and opts.full) then
      return c[scope].resolution
   end
   local header = stored_header(db, scope)
   local base
   if header and header.resolver == people.RESOLVER_VERSION and not (opts and opts.full) then
      base = load_base(db, header, is_current(header, inputs))
   end
   local r
   r, base = resolve(db, params, base)
   if base and is_current(header, inputs) then
      r.stored, r.from_store = header.id, true
   elseif type(db.exec) == "function" and type(db.transaction) == "function" then
      -- a connection that cannot write (read-only, a rule's) keeps what it computed to itself
      local ok, err = pcall(store_resolution, db, scope, r, base, base and header.id or nil, inputs)
      if not ok then r.stored, r.store_error = nil, tostring(err) end
   end
   c = c or {}
   c[scope] = { digest = inputs.digest, resolution = r }
   cache[db] = c
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
