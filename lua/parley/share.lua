-- SPDX-License-Identifier: MIT
-- Sharing policies (docs/sharing.md): what of the personal data behind a report may leave the
-- organisation that holds it. Named lists of detainees and missing persons are personal data of
-- people in danger; the analysis built on them (counts, gaps, findings) is what mediators,
-- editors and the public need. A policy says, field by field, what a report or an export keeps,
-- and it is applied at one place: to the report's model (parley.report.model) and to the records
-- an export writes (parley.export), never in a writer.
--
-- Persons are replaced by keyed pseudonyms: HMAC-SHA-256 under a key the user holds in a file
-- outside the store, so the same person has the same pseudonym in every report made with one
-- key and reports made with different keys cannot be linked. The key never enters a report or
-- the store.

local core = require "parley.core"
local check = require "parley.check"
local names = require "parley.names"
local records = require "parley.records"

local share = {}

-- The levels, from the one that keeps everything to the one that keeps no personal data.
share.LEVELS = { "internal", "partner", "public" }

-- Each field a policy controls: what it covers, the treatments it accepts, and each level's
-- choice. This table is the one place the levels are defined (docs/sharing.md shows it).
share.FIELDS = {
   { "persons.name", covers = "a person's names as written (list entries, transfers, person records)",
      treatments = { "keep", "initial", "pseudonym" }, internal = "keep", partner = "initial",
      public = "pseudonym" },
   { "persons.born", covers = "birth dates and years",
      treatments = { "keep", "year", "decade", "drop" }, internal = "keep", partner = "year", public = "decade" },
   { "persons.details", covers = "a person's sex, rank, father's name and notes",
      treatments = { "keep", "drop" }, internal = "keep", partner = "drop", public = "drop" },
   { "persons.id", covers = "person record ids and list entry ids in evidence and details",
      treatments = { "keep", "pseudonym" }, internal = "keep", partner = "pseudonym", public = "pseudonym" },
   { "sources.speaker", covers = "who spoke for a source",
      treatments = { "keep", "drop" }, internal = "keep", partner = "keep", public = "keep" },
   { "text", covers = "free text: claim, list and exchange text, finding messages, details, rule logs",
      treatments = { "keep", "pseudonymise", "drop" }, internal = "keep", partner = "pseudonymise",
      public = "pseudonymise" },
   { "notes", covers = "the notes of every record", treatments = { "keep", "drop" }, internal = "keep",
      partner = "drop", public = "drop" },
   { "sensitive", covers = "records and sources marked sensitive: true",
      treatments = { "keep", "withhold" }, internal = "keep", partner = "withhold", public = "withhold" },
}

local function field_names()
   local out = {}
   for _, f in ipairs(share.FIELDS) do out[#out + 1] = f[1] end
   return out
end

local function is_level(s)
   for _, l in ipairs(share.LEVELS) do if l == s then return true end end
   return false
end

---------------------------------------------------------------------------- policies

-- The checker of a policy as a config or a caller writes it: a level name, or {level=,
-- fields={FIELD = TREATMENT}, key=PATH}. Returns {level=, fields=, key=} (fields as given).
function share.check(ctx, v, where)
   if type(v) == "string" then
      return check.enum(share.LEVELS)(ctx, v, where) and { level = v, fields = {} } or nil
   end
   local known = {}
   for _, f in ipairs(share.FIELDS) do known[#known + 1] = { f[1], check.enum(f.treatments) } end
   local spec = check.spec({
      { "level", check.enum(share.LEVELS) },
      { "fields", check.mapping(check.spec(known)) },
      { "key", check.string },
   })
   local p = check.mapping(spec)(ctx, v, where)
   if not p then return nil end
   p.level = p.level or "internal"
   p.fields = p.fields or {}
   return p
end

-- A policy from a level name or a table as share.check takes it; opts.key_file overrides the
-- policy's key. Returns the policy {level=, fields = every field's treatment, key_file=}, or
-- nil and a message.
function share.policy(spec, opts)
   opts = opts or {}
   if spec == nil then spec = "internal" end
   if type(spec) == "table" and spec.is_policy then return spec end
   local ctx = check.new_context()
   local p = share.check(ctx, spec, { path = "share" })
   if not p then
      if type(spec) == "string" and not is_level(spec) then
         return nil, string.format("unknown sharing level '%s' (known: %s)", spec, table.concat(share.LEVELS, ", "))
      end
      return nil, check.format_problems(ctx.problems)
   end
   local fields = {}
   for _, f in ipairs(share.FIELDS) do fields[f[1]] = p.fields[f[1]] or f[p.level] end
   return { is_policy = true, level = p.level, fields = fields, key_file = opts.key_file or p.key }
end

-- True when the policy keeps everything (nothing to apply).
function share.keeps_all(policy)
   for _, f in ipairs(share.FIELDS) do
      if policy.fields[f[1]] ~= "keep" then return false end
   end
   return true
end

-- What a report says of its policy: the level, each field's treatment, and in words what was
-- withheld (for the header of every format and for machine-readable output).
function share.statement(policy, sharer)
   local withheld = {}
   for _, f in ipairs(share.FIELDS) do
      local t = policy.fields[f[1]]
      if t ~= "keep" then withheld[#withheld + 1] = string.format("%s: %s", f[1], t) end
   end
   local fields = {}
   for _, name in ipairs(field_names()) do fields[name] = policy.fields[name] end
   return { level = policy.level, fields = fields, withheld = withheld,
      sensitive_withheld = sharer and sharer.sensitive_withheld or 0,
      summary = #withheld == 0 and "everything kept" or table.concat(withheld, "; ") }
end

---------------------------------------------------------------------------- the key

-- Where the key lives unless the policy or the caller names a file: $PARLEY_SHARE_KEY, else
-- $XDG_CONFIG_HOME/parley/share.key, else ~/.config/parley/share.key.
function share.default_key_file()
   local env = os.getenv("PARLEY_SHARE_KEY")
   if env and env ~= "" then return env end
   local xdg = os.getenv("XDG_CONFIG_HOME")
   if xdg and xdg ~= "" then return xdg .. "/parley/share.key" end
   local home = os.getenv("HOME")
   if home and home ~= "" then return home .. "/.config/parley/share.key" end
   return nil
end

local function hex_to_bytes(h)
   return (h:gsub("%x%x", function(x) return string.char(tonumber(x, 16)) end))
end

-- The key in path, created (32 random bytes, hex, mode 0600, its directory 0700) when the file
-- does not exist. Returns the key's bytes, or nil and a message.
function share.load_key(path)
   if not path then return nil, "no key file for pseudonyms: set PARLEY_SHARE_KEY or HOME, or give --share-key" end
   local f = io.open(path, "rb")
   if not f then
      local rnd = io.open("/dev/urandom", "rb")
      if not rnd then return nil, "cannot create a pseudonym key: /dev/urandom is not readable" end
      local bytes = rnd:read(32)
      rnd:close()
      local hex = bytes:gsub(".", function(c) return string.format("%02x", c:byte()) end)
      local ok, err = core.write_private(path, hex .. "\n")
      if not ok then return nil, "cannot create the pseudonym key " .. path .. ": " .. tostring(err) end
      f = assert(io.open(path, "rb"))
   end
   local text = f:read("a")
   f:close()
   local hex = text:match("^%s*(%x+)%s*$")
   if not hex or #hex < 32 or #hex % 2 ~= 0 then
      return nil, string.format("%s is not a pseudonym key (hexadecimal, at least 16 bytes)", path)
   end
   return hex_to_bytes(hex)
end

-- HMAC-SHA-256 (RFC 2104) of message under key, as lowercase hex.
function share.hmac(key, message)
   if #key > 64 then key = hex_to_bytes(core.sha256(key)) end
   key = key .. string.rep("\0", 64 - #key)
   local ipad = key:gsub(".", function(c) return string.char(c:byte() ~ 0x36) end)
   local opad = key:gsub(".", function(c) return string.char(c:byte() ~ 0x5c) end)
   return core.sha256(opad .. hex_to_bytes(core.sha256(ipad .. message)))
end

-- The pseudonym of an identity: "P-" and 8 hex digits of its HMAC (32 bits: two persons of one
-- report share a pseudonym with probability about n^2 / 2^33, under 1% for 9,000 persons).
function share.pseudonym(key, identity)
   return "P-" .. share.hmac(key, "person\0" .. identity):sub(1, 8):upper()
end

---------------------------------------------------------------------------- a sharer

local Sharer = {}
Sharer.__index = Sharer

-- A word of free text or of a name: letters and digits of any script (every byte of a UTF-8
-- sequence), with the apostrophes and hyphens inside names (Ter-Petrosyan, Davt'yan).
local WORD = "[%w\128-\255'%-]+"
-- A run of letters and digits only: what full names are indexed and looked up by, so that
-- "Ter-Petrosyan's" in a text still meets the name "Ter-Petrosyan Levon".
local LETTERS = "[%w\128-\255]+"

-- What stands for a sensitive person wherever one would be named or counted.
local WITHHELD = "(withheld)"

-- The identity a pseudonym is made from: the person record an entry points to, else the name's
-- cross-script key (so Davit Sargsyan and Давид Саргсян get one pseudonym; namesakes without a
-- person record share one too: docs/sharing.md).
local function identity_of(person, name)
   -- a person id with '#' is one the store made for an entry that named none (LIST#N): no
   -- dataset id has one, and it says nothing about who the entry is
   if person and not person:find("#", 1, true) then return "person:" .. person end
   local ok, key = pcall(names.key, name or "")
   return "name:" .. ((ok and key ~= "") and key or (name or ""))
end

local function words_of(s)
   local out = {}
   for w in s:gmatch(WORD) do
      w = w:gsub("^[%-']+", ""):gsub("[%-']+$", "")
      if #w >= 3 then out[#out + 1] = w end
   end
   return out
end

-- What a sharer knows of a store's persons: every entry (by id and by name) and every person
-- record, so that it can replace them wherever they appear.
local function learn(self, db)
   local function know_name(name, identity)
      if type(name) ~= "string" or name == "" then return end
      if not self.name_identity[name] then self.name_identity[name] = identity end
      for _, w in ipairs(words_of(name)) do self.name_words[w] = true; self.name_words[w:lower()] = true end
   end
   local function know_born(born)
      local s = type(born) == "table" and (born.text or born.year) or born
      s = s and tostring(s)
      if s and s:match("^%d%d%d%d") then self.births[s] = true; self.births[s:sub(1, 4)] = true end
   end
   local function know_entry(id, e)
      local name = e.name
      local identity = identity_of(e.person, name)
      if id then self.entry_identity[id] = identity end
      know_name(name, identity)
      know_born(e.born)
      if e.father_name then know_name(e.father_name, "father:" .. identity) end
      if e.sensitive then
         self.sensitive_identity[identity] = true
         if id then self.sensitive_entry[id] = true end
      end
   end
   for p in records.persons(db) do
      local identity = identity_of(p.id, p.variants and p.variants[1] and p.variants[1].name)
      self.entry_identity[p.id] = identity
      if not p.id:find("#", 1, true) then self.person_ids[p.id] = true end
      for _, n in ipairs(p.names or {}) do know_name(type(n) == "table" and n.name or n, identity) end
      for _, v in ipairs(p.variants or {}) do know_name(v.name, identity) end
      if p.father_name then know_name(p.father_name, "father:" .. identity) end
      know_born(p.born)
      if p.sensitive then self.sensitive_identity[identity] = true end
   end
   for l in records.lists(db) do
      for i, e in ipairs(l.persons or {}) do know_entry(records.list_entry_id(l.id, i), e) end
   end
   for x in records.exchanges(db) do
      for t, tr in ipairs(x.transfers or {}) do
         for _, cargo in ipairs({ "detainees", "remains" }) do
            local people = tr[cargo]
            for i, e in ipairs(type(people) == "table" and people.persons or {}) do
               know_entry(records.transfer_entry_id(x.id, t, cargo, i), e)
            end
         end
      end
   end
   -- words that are public data are not names to hide (a party, a source's title or speaker)
   local function protect(s)
      if type(s) ~= "string" then return end
      for _, w in ipairs(words_of(s)) do self.public_words[w] = true; self.public_words[w:lower()] = true end
   end
   for p in records.parties(db) do protect(p.name); protect(p.id) end
   for s in records.sources(db) do
      protect(s.title); protect(s.speaker); protect(s.id)
      if s.sensitive then self.sensitive_source[s.id] = true end
   end
   local n = 0
   for _ in pairs(self.sensitive_identity) do n = n + 1 end
   for _ in pairs(self.sensitive_source) do n = n + 1 end
   self.sensitive_withheld = self:withholds_sensitive() and n or 0
   -- full names longest first, so "Davit Sargsyan Jr" is replaced before "Davit Sargsyan"
   -- full names by their first word, longest first, so that free text is scanned once, word by
   -- word, and "Davit Sargsyan Jr" is replaced before "Davit Sargsyan"
   for name in pairs(self.name_identity) do
      local first = name:match("^" .. LETTERS)
      if first then
         local list = self.names_by_first[first] or {}
         self.names_by_first[first] = list
         list[#list + 1] = name
      end
   end
   for _, list in pairs(self.names_by_first) do
      table.sort(list, function(a, b) return #a > #b or (#a == #b and a < b) end)
   end
end

-- A sharer applies policy with the persons of db. Returns it, or nil and a message (no key).
function share.sharer(policy, db)
   local self = setmetatable({ policy = policy, fields = policy.fields, name_identity = {}, name_words = {},
      public_words = {}, entry_identity = {}, sensitive_identity = {}, sensitive_entry = {},
      sensitive_source = {}, names_by_first = {}, sensitive_withheld = 0, births = {}, person_ids = {},
      pseudonyms = {} }, Sharer)
   local needs_key = false
   for _, name in ipairs({ "persons.name", "persons.id" }) do
      if policy.fields[name] == "pseudonym" or policy.fields[name] == "initial" then needs_key = true end
   end
   if policy.fields.text == "pseudonymise" then needs_key = true end
   if needs_key then
      local key, err = share.load_key(policy.key_file or share.default_key_file())
      if not key then return nil, err end
      self.key = key
   end
   if db then learn(self, db) end
   return self
end

-- Each identity's pseudonym, computed once per sharer (a person is named in many places).
function Sharer:pseudonym(identity)
   local p = self.pseudonyms[identity]
   if not p then
      p = share.pseudonym(self.key, identity)
      self.pseudonyms[identity] = p
   end
   return p
end

-- A name as the policy shows it.
function Sharer:name(name, person)
   local t = self.fields["persons.name"]
   if t == "keep" or name == nil then return name end
   local identity = self.name_identity[name] or identity_of(person, name)
   if person and not person:find("#", 1, true) then identity = "person:" .. person end
   if self:withholds_sensitive() and self.sensitive_identity[identity] then return WITHHELD end
   local p = self:pseudonym(identity)
   if t == "initial" then
      local ok, parsed = pcall(names.parse, name)
      local given = ok and parsed.given
      local initial = given and given:match("^[%z\1-\127\194-\244][\128-\191]*")
      return initial and string.format("%s (%s.)", p, initial) or p
   end
   return p
end

-- A birth date or year as the policy shows it (nil when dropped).
function Sharer:born(born)
   local t = self.fields["persons.born"]
   if t == "keep" or born == nil then return born end
   if t == "drop" then return nil end
   local year = tonumber(tostring(type(born) == "table" and (born.text or born.year) or born):match("^(%d%d%d%d)"))
   if not year then return nil end
   if t == "year" then return math.tointeger(year) end
   return string.format("%ds", year // 10 * 10)
end

-- An id of a person or an entry as the policy shows it.
function Sharer:person_id(id)
   if self.fields["persons.id"] == "keep" or type(id) ~= "string" then return id end
   return self:pseudonym(self.entry_identity[id] or ("id:" .. id))
end

-- Free text as the policy shows it: known names (every variant of every person the store
-- knows) replaced by their pseudonyms, then any remaining word of such a name withheld.
function Sharer:text(s)
   local t = self.fields.text
   if t == "keep" or type(s) ~= "string" then return s end
   if t == "drop" then return nil end
   local out, i = {}, 1
   for at, word in s:gmatch("()(" .. LETTERS .. ")") do
      if at >= i then
         for _, name in ipairs(self.names_by_first[word] or {}) do
            if s:sub(at, at + #name - 1) == name then
               local identity = self.name_identity[name]
               out[#out + 1] = s:sub(i, at - 1)
               out[#out + 1] = (self:withholds_sensitive() and self.sensitive_identity[identity]) and WITHHELD or
                  self:pseudonym(identity)
               i = at + #name
               break
            end
         end
      end
   end
   if i > 1 then
      out[#out + 1] = s:sub(i)
      s = table.concat(out)
   end
   if self.fields["persons.id"] ~= "keep" then
      -- a person's id written in a message ("Ovanes Petrosyan (p-1), released by ...")
      s = s:gsub("[%w_%.%-]+", function(token)
         local id = token:gsub("%.+$", "")
         if self.person_ids[id] then return self:person_id(id) .. token:sub(#id + 1) end
      end)
   end
   if self.fields["persons.born"] ~= "keep" then
      -- a known birth date, or a year that is one, as the policy shows birth dates
      s = s:gsub("%d%d%d%d%-%d%d%-%d%d", function(d)
         if self.births[d] then return tostring(self:born(d) or "[withheld]") end
      end)
      if self.fields["persons.born"] ~= "year" then
         s = s:gsub("%f[%d]%d%d%d%d%f[%D]", function(y)
            if self.births[y] then return tostring(self:born(y) or "[withheld]") end
         end)
      end
   end
   return (s:gsub(WORD, function(w)
      local core_word = w:gsub("^[%-']+", ""):gsub("[%-']+$", "")
      if #core_word >= 3 and (self.name_words[core_word] or self.name_words[core_word:lower()])
         and not (self.public_words[core_word] or self.public_words[core_word:lower()]) then
         return (w:gsub(core_word:gsub("%p", "%%%0"), "[withheld]", 1))
      end
   end))
end

function Sharer:notes(s)
   if self.fields.notes == "keep" then return s end
   return nil
end

function Sharer:withholds_sensitive()
   return self.fields.sensitive == "withhold"
end

-- An entry (of a list or a transfer) or a person record as the policy shows it; nil when the
-- person is sensitive and withheld.
function Sharer:person(e, id)
   if self:withholds_sensitive() then
      local identity = (id and self.entry_identity[id]) or identity_of(e.person, e.name)
      if e.sensitive or self.sensitive_identity[identity] then return nil end
   end
   local out = {}
   for k, v in pairs(e) do out[k] = v end
   out.name = self:name(e.name, e.person)
   if e.person then out.person = self:person_id(e.person) end
   out.born, out.born_year = self:born(e.born), nil
   if type(out.born) == "string" and out.born:match("s$") then out.born_decade, out.born = out.born, nil end
   if self.fields["persons.details"] == "drop" then
      out.sex, out.rank, out.father_name, out.notes = nil, nil, nil, nil
   end
   if out.notes then out.notes = self:notes(out.notes) end
   if type(e.names) == "table" then
      out.names = {}
      for i, n in ipairs(e.names) do
         if type(n) == "table" then
            out.names[i] = { name = self:name(n.name, e.id), written_by = n.written_by }
         else
            out.names[i] = self:name(n, e.id)
         end
      end
   end
   if type(e.variants) == "table" then
      out.variants = {}
      for i, v in ipairs(e.variants) do
         out.variants[i] = { name = self:name(v.name, e.id), script = v.script, written_by = v.written_by,
            list = v.list, exchange = v.exchange }
      end
   end
   if e.id and self.fields["persons.id"] ~= "keep" then out.id = self:person_id(e.id) end
   return out
end

-- A source as the policy shows it: a sensitive one keeps its id's pseudonym and nothing else.
function Sharer:source(s)
   local out = {}
   for k, v in pairs(s) do out[k] = v end
   if self:withholds_sensitive() and (s.sensitive or self.sensitive_source[s.id]) then
      return { id = s.id, title = "withheld source", sensitive = true }
   end
   if self.fields["sources.speaker"] == "drop" then out.speaker = nil end
   out.notes = self:notes(s.notes)
   return out
end

-- Keys of a finding's details whose strings are names, ids of persons, or birth dates; an
-- explanation of a name match quotes the names' words and keys, so only "keep" shows it.
local DETAIL_NAME = { name = true, left_name = true, right_name = true, names = true, variants = true,
   written = true, father_name = true }
local DETAIL_ID = { left = true, right = true, person = true, persons = true, entry = true, entries = true,
   left_id = true, right_id = true, only_left = true, only_right = true }
local DETAIL_DROP = { explanation = true, explanations = true, key = true, keys = true }

-- Any value inside a finding's details, as the policy shows it.
function Sharer:detail(v, key)
   if type(v) == "table" then
      local out = {}
      for k, x in pairs(v) do
         local kk = type(k) == "string" and k or key
         if not (type(k) == "string" and DETAIL_DROP[k] and self.fields["persons.name"] ~= "keep") then
            out[k] = self:detail(x, kk)
         end
      end
      return out
   end
   if key == "born" then return self:born(v) end
   if type(v) ~= "string" then return v end
   if DETAIL_NAME[key] then return self:name(v) end
   if DETAIL_ID[key] then return self:person_id(v) end
   return self:text(v)
end

-- A finding as the policy shows it: the same rule, severity, counts and measures; persons in
-- evidence by pseudonym (sensitive ones left out), names in the message and details replaced.
function Sharer:finding(f)
   local out = {}
   for k, v in pairs(f) do out[k] = v end
   out.message = self:text(f.message) or "(message withheld by the sharing policy)"
   if type(f.evidence) == "table" then
      local ev = {}
      for kind, ids in pairs(f.evidence) do
         if kind == "persons" and type(ids) == "table" then
            local kept = {}
            for _, id in ipairs(ids) do
               local identity = self.entry_identity[id]
               if self:withholds_sensitive() and (self.sensitive_entry[id] or
                     (identity and self.sensitive_identity[identity])) then
                  kept[#kept + 1] = WITHHELD -- counted, never named
               else
                  kept[#kept + 1] = self:person_id(id)
               end
            end
            ev[kind] = kept
         else
            ev[kind] = ids
         end
      end
      out.evidence = ev
   end
   if f.details ~= nil then out.details = self:detail(f.details) end
   out.evidence_json, out.details_json = nil, nil
   return out
end

---------------------------------------------------------------------------- applied

local function copy(t)
   local out = {}
   for k, v in pairs(t) do out[k] = v end
   return out
end

-- A claim, list or exchange record as the policy shows it (free text, notes, persons).
function Sharer:record(kind, r)
   if kind == "persons" then return self:person(r) end
   if kind == "sources" then return self:source(r) end
   local out = copy(r)
   if out.text then out.text = self:text(out.text) end
   out.notes = self:notes(out.notes)
   if kind == "lists" and type(r.persons) == "table" then
      out.persons = {}
      for i, e in ipairs(r.persons) do
         out.persons[#out.persons + 1] = self:person(e, records.list_entry_id(r.id, i))
      end
   elseif kind == "exchanges" and type(r.transfers) == "table" then
      out.transfers = {}
      for t, tr in ipairs(r.transfers) do
         local o = copy(tr)
         o.notes = self:notes(tr.notes)
         for _, cargo in ipairs({ "detainees", "remains" }) do
            local people = tr[cargo]
            if type(people) == "table" and type(people.persons) == "table" then
               local p = copy(people)
               p.persons = {}
               for i, e in ipairs(people.persons) do
                  p.persons[#p.persons + 1] = self:person(e, records.transfer_entry_id(r.id, t, cargo, i))
               end
               o[cargo] = p
            end
         end
         out.transfers[t] = o
      end
   end
   return out
end

-- The report model m (parley.report.model) as the policy shows it: a new model, m untouched.
function Sharer:model(m)
   local out = copy(m)
   out.findings = {}
   for i, f in ipairs(m.findings or {}) do out.findings[i] = self:finding(f) end
   out.outcomes = {}
   for i, o in ipairs(m.outcomes or {}) do
      local c = copy(o)
      if type(o.log) == "table" then
         c.log = {}
         for j, line in ipairs(o.log) do
            if type(line) == "table" then
               local l = copy(line)
               l.message = self:text(line.message)
               c.log[j] = l
            else
               c.log[j] = self:text(line)
            end
         end
      end
      if o.error then c.error = self:text(o.error) end
      out.outcomes[i] = c
   end
   if m.rules then
      out.rules = {}
      for i, r in ipairs(m.rules) do
         local c = copy(r)
         for j, o in ipairs(m.outcomes or {}) do if o == r.outcome then c.outcome = out.outcomes[j] end end
         out.rules[i] = c
      end
   end
   if m.history then
      local h = copy(m.history)
      for _, key in ipairs({ "new", "persisting", "resolved" }) do
         if type(m.history[key]) == "table" then
            h[key] = {}
            for i, f in ipairs(m.history[key]) do h[key][i] = self:finding(f) end
         end
      end
      if type(m.history.corrected) == "table" then
         -- a correction's findings, shared as the others (the ids replaced are claims, lists,
         -- exchanges or sources: never a person's)
         h.corrected = {}
         for i, c in ipairs(m.history.corrected) do
            local cc = copy(c)
            cc.from, cc.to = self:finding(c.from), self:finding(c.to)
            h.corrected[i] = cc
         end
      end
      out.history = h
   end
   if m.data then
      local d = copy(m.data)
      if m.data.sources then
         d.sources = {}
         for id, s in pairs(m.data.sources) do d.sources[id] = self:source(s) end
      end
      if m.data.claims then
         d.claims = {}
         local by_old = {}
         for id, c in pairs(m.data.claims) do
            local cc = self:record("claims", c)
            d.claims[id], by_old[c] = cc, cc
         end
         if m.data.subjects then
            d.subjects = {}
            for i, g in ipairs(m.data.subjects) do
               local gg = copy(g)
               gg.claims = {}
               for j, c in ipairs(g.claims) do gg.claims[j] = by_old[c] or self:record("claims", c) end
               d.subjects[i] = gg
            end
         end
      end
      if m.data.exchanges then
         d.exchanges = {}
         for i, x in ipairs(m.data.exchanges) do d.exchanges[i] = self:record("exchanges", x) end
      end
      out.data = d
   end
   out.share = share.statement(self.policy, self)
   return out
end

return share
