-- SPDX-License-Identifier: MIT
-- Helpers shared by the specs: temporary files, running the command line, reading files.
local support = {}

local tmpdir

-- A fresh path in a directory that is removed when the test process ends.
function support.tmpname(name)
   if not tmpdir then
      local p = io.popen("mktemp -d /tmp/parley-spec.XXXXXX")
      tmpdir = p:read("l")
      p:close()
      -- removed at exit by a finalizer on a value kept alive until the state closes
      support._cleanup = setmetatable({}, { __gc = function() os.execute("rm -rf '" .. tmpdir .. "'") end })
   end
   support.counter = (support.counter or 0) + 1
   return string.format("%s/%d-%s", tmpdir, support.counter, name or "tmp")
end

function support.write(path, content)
   local f = assert(io.open(path, "wb"))
   f:write(content)
   f:close()
   return path
end

function support.read(path)
   local f = assert(io.open(path, "rb"))
   local s = f:read("a")
   f:close()
   return s
end

local function quote(s)
   return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end
support.quote = quote

-- The source tree (the specs run from it).
support.top = os.getenv("PARLEY_TOP") or "."

-- Runs bin/parley with args; returns exit code, stdout, stderr.
function support.parley(...)
   local args = {}
   for i, a in ipairs({ ... }) do args[i] = quote(a) end
   local out, err = support.tmpname("out"), support.tmpname("err")
   local cmd = string.format("%s/bin/parley %s >%s 2>%s", support.top, table.concat(args, " "), out, err)
   local _, _, code = os.execute(cmd)
   return code, support.read(out), support.read(err)
end

-- Runs a shell command; returns exit code and its output (stdout and stderr together).
function support.sh(cmd)
   local out = support.tmpname("sh")
   local _, _, code = os.execute("(" .. cmd .. ") >" .. out .. " 2>&1")
   return code, support.read(out)
end

-- A generator of random integers from 1 to n (random(n)), deterministic from seed: a linear
-- congruential generator, its high bits (the low ones of an LCG repeat soon).
function support.random(seed)
   local state = seed
   return function(n)
      state = (state * 1103515245 + 12345) % 2147483648
      return (state >> 16) % n + 1
   end
end

-- Records in as_of order, as the readers give them: by the first day, then by id.
function support.by_as_of(a, b)
   if a.as_of_period.first ~= b.as_of_period.first then return a.as_of_period.first < b.as_of_period.first end
   return a.id < b.id
end

-- A ctx.db over claims made in a spec: db:claims() gives them in as_of order (sorted in place),
-- db:query gives no row.
function support.claims_db(claims)
   table.sort(claims, support.by_as_of)
   return {
      query = function() return function() return nil end end,
      claims = function()
         local i = 0
         return function()
            i = i + 1
            return claims[i]
         end
      end,
   }
end

local COUNT_DATES = { "2021", "2021-03", "2021-06", "2021-06-12", "2021-06-20", "2021-07", "2020-11/2021-02", "2022" }
local COUNT_CLAIMANTS = { "ARM", "AZE", "ICRC" }
local COUNT_VALUES = { 0, 1, 2, 3, 10, 10, 14, 15, 28, 100, 150, 151, 1000 }

-- The count claims of one round of a spec that holds a rule's search of a group to its walk:
-- of one to three claimants, some rounds all of one date (so that every two can overlap),
-- exact, approximate and range counts (opts.third(v): the third shape of count), scopes drawn
-- from the first opts.n_scopes of opts.scopes (false: none stated), and part_of now and then
-- (to a claim before or after it, or to none). random: support.random's.
function support.random_counts(random, round, opts)
   local claims = {}
   local one_date = round % 4 == 0 and COUNT_DATES[random(#COUNT_DATES)]
   local n_claimants = random(#COUNT_CLAIMANTS)
   for i = 1, random(round % 3 == 0 and 150 or 60) do
      local v = COUNT_VALUES[random(#COUNT_VALUES)]
      local count
      local shape = random(5)
      if shape == 1 then
         count = { best = v, approx = true }
      elseif shape == 2 then
         count = { low = v, high = v + COUNT_VALUES[random(#COUNT_VALUES)] }
      elseif shape == 3 then
         count = opts.third(v)
      else
         count = { exact = v }
      end
      local as_of = one_date or COUNT_DATES[random(#COUNT_DATES)]
      local c = { id = string.format("c%03d-%03d", round, i), claimant = COUNT_CLAIMANTS[random(n_claimants)],
         subject = random(4) == 1 and "remains" or "detainees", holder = "AZE", about = "ARM",
         as_of = as_of, as_of_period = assert(require("parley.dates").parse(as_of)), count = count,
         scope = opts.scopes[random(opts.n_scopes or #opts.scopes)] or nil }
      if random(8) == 1 then c.part_of = string.format("c%03d-%03d", round, random(i + 2)) end
      claims[i] = c
   end
   return claims
end

return support
