-- SPDX-License-Identifier: MIT

--- parley.names: matching names across Armenian, Russian and Azerbaijani spellings.
-- See docs/names.md for the key's rules, the scoring, and the measured quality.
-- @module parley.names
local kernels = require("parley.core").names

local names = {}

--- The default decision threshold of match and link (a score in [0, 1]).
-- @field threshold
names.threshold = kernels.threshold
--- The lower end of link's review band: pairs scored from review up to threshold are uncertain.
-- @field review
names.review = kernels.review

local function check_string(fn, n, v)
   if type(v) ~= "string" then
      error(string.format("bad argument #%d to 'names.%s' (string expected, got %s)", n, fn, type(v)), 3)
   end
end

--- The script-independent matching key of a name: its words folded (see docs/names.md),
-- separated by single spaces, in the order written.
-- @tparam string name a name in any of the scripts
-- @treturn string the key
-- @return or nil and a message for invalid UTF-8
-- @raise when name is not a string
function names.key(name)
   check_string("key", 1, name)
   return kernels.key(name)
end

--- The structure of a name: {given=, surname=, patronymic=, order=, words={...}, dropped=}.
-- given/surname/patronymic are the words as written (nil when absent); order is
-- "given-first", "surname-first" or "single".
-- @tparam string name
-- @treturn table the structure
-- @return or nil and a message for invalid UTF-8
-- @raise when name is not a string
function names.parse(name)
   check_string("parse", 1, name)
   return kernels.parse(name)
end

--- Jaro-Winkler similarity of two UTF-8 strings, by code point (no normalisation). The C
-- function itself, as it is the one called in loops.
-- @function jaro_winkler
-- @tparam string a
-- @tparam string b
-- @treturn number the similarity in [0, 1]
-- @return or nil and a message for invalid UTF-8 or more than 10,000 code points
-- @raise when a or b is not a string
names.jaro_winkler = kernels.jaro_winkler

--- levenshtein(a, b): optimal string alignment distance (Damerau-Levenshtein with adjacent
-- transpositions, no substring edited twice) of two UTF-8 strings, by code point.
-- @function levenshtein
-- @tparam string a
-- @tparam string b
-- @treturn integer the distance
-- @return or nil and a message, as jaro_winkler
-- @raise when a or b is not a string
names.levenshtein = kernels.levenshtein

-- A record is a string or a table with name and optional born, category, patronymic.
local function record(fn, n, v)
   if type(v) == "string" then
      return v, nil, nil, nil
   end
   if type(v) ~= "table" or type(v.name) ~= "string" then
      error(string.format("bad argument #%d to 'names.%s' (string or {name=...} expected)", n, fn), 3)
   end
   return v.name, math.tointeger(v.born), v.category, v.patronymic
end

local function pair_opt(opts, field, idx)
   local v = opts and opts[field]
   if type(v) == "table" then
      return v[idx]
   end
   return nil
end

--- Whether two names are spellings of the same person's name, across scripts.
-- @tparam string|table a a name, or a record {name=, born=, category=, patronymic=}
-- @tparam string|table b likewise
-- @tparam[opt] table opts `threshold` overrides the default; `born`, `category`, `patronymic`
-- = {for_a, for_b} add evidence
-- @treturn boolean is_match
-- @treturn number score in [0, 1]
-- @treturn string explanation what agreed and what did not
-- @return or nil and a message for invalid UTF-8
-- @raise when a or b is neither a string nor a record, or opts not a table
function names.match(a, b, opts)
   if opts ~= nil and type(opts) ~= "table" then
      error("bad argument #3 to 'names.match' (table expected, got " .. type(opts) .. ")", 2)
   end
   local na, ba, ca, pa = record("match", 1, a)
   local nb, bb, cb, pb = record("match", 2, b)
   ba = math.tointeger(pair_opt(opts, "born", 1)) or ba
   bb = math.tointeger(pair_opt(opts, "born", 2)) or bb
   ca = pair_opt(opts, "category", 1) or ca
   cb = pair_opt(opts, "category", 2) or cb
   pa = pair_opt(opts, "patronymic", 1) or pa
   pb = pair_opt(opts, "patronymic", 2) or pb
   local threshold = opts and opts.threshold or names.threshold
   return kernels.match(na, nb, threshold, ba, bb,
      type(ca) == "string" and ca or nil, type(cb) == "string" and cb or nil,
      type(pa) == "string" and pa or nil, type(pb) == "string" and pb or nil)
end

-- Packs one side of link; entries whose name is not valid UTF-8 get an empty name (they are
-- compared with nothing) and are listed in errors.
local function pack_side(fn, n, list, errors, side)
   if type(list) ~= "table" then
      error(string.format("bad argument #%d to 'names.%s' (table expected, got %s)", n, fn, type(list)), 3)
   end
   local packed, born, cat, text = {}, {}, {}, {}
   local empty = kernels.pack("")
   for i = 1, #list do
      local name, b, c = record(fn, n, list[i])
      local p, err = kernels.pack(name)
      if not p then
         errors[#errors + 1] = {side = side, index = i, message = err}
         p = empty
      end
      packed[i], born[i], cat[i], text[i] = p, b, type(c) == "string" and c or nil, name
   end
   return packed, born, cat, text
end

local function unpaired(n, used)
   local out = {}
   for i = 1, n do
      if not used[i] then
         out[#out + 1] = i
      end
   end
   return out
end

--- The best one-to-one pairs between two lists of names.
-- Entries are names or records {name=, born=, category=}. opts.threshold, opts.review (lower end
-- of the review band), opts.exhaustive (compare every pair: no blocking), opts.explain (false
-- skips the explanations). Result:
--   pairs      {{left=i, right=j, score=, explanation=}...}  score >= threshold, by left index
--   uncertain  same shape, review <= score < threshold: for a person to decide
--   only_left  left indices in neither list above; only_right likewise
--   compared   how many pairs were scored; errors {{side=, index=, message=}} for bad UTF-8
--
-- @tparam table left a list of names or records
-- @tparam table right likewise
-- @tparam[opt] table opts
-- @treturn table the result
-- @raise when an entry is neither a name nor a record, or opts not a table
function names.link(left, right, opts)
   if opts ~= nil and type(opts) ~= "table" then
      error("bad argument #3 to 'names.link' (table expected, got " .. type(opts) .. ")", 2)
   end
   opts = opts or {}
   local threshold = opts.threshold or names.threshold
   local review = opts.review or names.review
   local errors = {}
   local pl, bl, cl, tl = pack_side("link", 1, left, errors, "left")
   local pr, br, cr, tr = pack_side("link", 2, right, errors, "right")
   local pairs_, uncertain, compared = kernels.link(pl, pr, bl, br, cl, cr, threshold, review,
      opts.exhaustive and true or false)
   local used_l, used_r = {}, {}
   local function finish(list)
      table.sort(list, function(x, y) return x.left < y.left end)
      for _, p in ipairs(list) do
         used_l[p.left], used_r[p.right] = true, true
         if opts.explain ~= false then
            local _, _, why = kernels.match(tl[p.left], tr[p.right], threshold, bl[p.left], br[p.right],
               cl[p.left], cr[p.right])
            p.explanation = why
         end
      end
   end
   finish(pairs_)
   finish(uncertain)
   return {
      pairs = pairs_,
      uncertain = uncertain,
      only_left = unpaired(#pl, used_l),
      only_right = unpaired(#pr, used_r),
      compared = compared,
      errors = errors,
   }
end

return names
