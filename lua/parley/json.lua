-- SPDX-License-Identifier: MIT

--- A small, strict JSON encoder and decoder for what parley stores and prints: evidence and
-- measures of findings, lists of tags, and the JSON report format. Encoding is deterministic
-- (object keys sorted) so equal values give equal text; integers stay integers. `null` is
-- `parley.null`, JSON's null. Also `parley.json`.
-- @module parley.json

local json = {}

local null = require("parley.core").null
json.null = null

local escapes = {
   ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
   ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
}

local function encode_string(s)
   return '"' .. s:gsub('[%c"\\]', function(c)
      return escapes[c] or string.format("\\u%04x", c:byte())
   end) .. '"'
end

-- A table is an array when its keys are exactly 1..n (an empty table is an empty array).
local function array_length(t)
   local n = 0
   for k in pairs(t) do
      if math.type(k) ~= "integer" or k < 1 then return nil end
      n = n + 1
   end
   for i = 1, n do
      if t[i] == nil then return nil end
   end
   return n
end

local function key_order(a, b)
   local ta, tb = type(a), type(b)
   if ta ~= tb then return ta == "number" end
   return a < b
end

local encode_value

local function encode_table(t, out, seen)
   if seen[t] then error("cannot encode a table that contains itself", 0) end
   seen[t] = true
   local n = array_length(t)
   if n then
      out[#out + 1] = "["
      for i = 1, n do
         if i > 1 then out[#out + 1] = "," end
         encode_value(t[i], out, seen)
      end
      out[#out + 1] = "]"
   else
      local keys = {}
      for k in pairs(t) do
         local tk = type(k)
         if tk ~= "string" and tk ~= "number" then
            error("cannot encode a table key of type " .. tk, 0)
         end
         keys[#keys + 1] = k
      end
      table.sort(keys, key_order)
      out[#out + 1] = "{"
      for i, k in ipairs(keys) do
         if i > 1 then out[#out + 1] = "," end
         out[#out + 1] = encode_string(tostring(k))
         out[#out + 1] = ":"
         encode_value(t[k], out, seen)
      end
      out[#out + 1] = "}"
   end
   seen[t] = nil
end

function encode_value(v, out, seen)
   local tv = type(v)
   if tv == "string" then
      out[#out + 1] = encode_string(v)
   elseif tv == "number" then
      if math.type(v) == "integer" then
         out[#out + 1] = string.format("%d", v)
      elseif v ~= v or v == math.huge or v == -math.huge then
         out[#out + 1] = "null" -- JSON has no NaN or infinity
      else
         local s = string.format("%.17g", v)
         if not s:find("[%.eE]") then s = s .. ".0" end
         out[#out + 1] = s
      end
   elseif tv == "boolean" then
      out[#out + 1] = tostring(v)
   elseif v == nil or v == null then
      out[#out + 1] = "null"
   elseif tv == "table" then
      encode_table(v, out, seen)
   else
      error("cannot encode a " .. tv .. " as JSON", 0)
   end
end

--- Encodes a value as JSON text: object keys sorted, a table whose keys are exactly 1..n (or
-- none) an array, integers without a fraction.
-- @param v a table, string, number, boolean or parley.null
-- @treturn string the JSON
-- @raise on a value JSON cannot hold (a function, a userdata other than parley.null, a cycle,
-- a key that is neither a string nor a number)
function json.encode(v)
   local out = {}
   encode_value(v, out, {})
   return table.concat(out)
end

-- Decoding ------------------------------------------------------------------

local function decode_error(_, pos, what)
   error(string.format("JSON: %s at byte %d", what, pos), 0)
end

local function skip(s, pos)
   return s:find("[^ \t\r\n]", pos) or #s + 1
end

local decode_value

local function utf8_char(code)
   return utf8.char(code)
end

local function decode_string(s, pos)
   local out, i = {}, pos + 1
   while true do
      local j = s:find('["\\%c]', i)
      if not j then decode_error(s, pos, "unterminated string") end
      out[#out + 1] = s:sub(i, j - 1)
      local c = s:sub(j, j)
      if c == '"' then return table.concat(out), j + 1 end
      if c ~= "\\" then decode_error(s, j, "control character in string") end
      local e = s:sub(j + 1, j + 1)
      local simple = ({ ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" })[e]
      if simple then
         out[#out + 1] = simple
         i = j + 2
      elseif e == "u" then
         local hex = s:match("^%x%x%x%x", j + 2)
         if not hex then decode_error(s, j, "bad \\u escape") end
         local code = tonumber(hex, 16)
         i = j + 6
         if code >= 0xD800 and code <= 0xDBFF then
            local low = s:match("^\\u(%x%x%x%x)", i)
            local lo = low and tonumber(low, 16)
            if lo and lo >= 0xDC00 and lo <= 0xDFFF then
               code = 0x10000 + (code - 0xD800) * 0x400 + (lo - 0xDC00)
               i = i + 6
            end
         end
         out[#out + 1] = utf8_char(code)
      else
         decode_error(s, j, "bad escape")
      end
   end
end

local function decode_number(s, pos)
   local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
   if not num or num == "" or num == "-" then decode_error(s, pos, "bad number") end
   local v
   if num:find("[%.eE]") then
      v = tonumber(num)
   else
      v = math.tointeger(tonumber(num)) or tonumber(num)
   end
   if not v then decode_error(s, pos, "bad number") end
   return v, pos + #num
end

function decode_value(s, pos, depth)
   if depth > 200 then decode_error(s, pos, "nesting too deep") end
   pos = skip(s, pos)
   local c = s:sub(pos, pos)
   if c == "{" then
      local t = {}
      pos = skip(s, pos + 1)
      if s:sub(pos, pos) == "}" then return t, pos + 1 end
      while true do
         if s:sub(pos, pos) ~= '"' then decode_error(s, pos, "expected a string key") end
         local k
         k, pos = decode_string(s, pos)
         pos = skip(s, pos)
         if s:sub(pos, pos) ~= ":" then decode_error(s, pos, "expected ':'") end
         t[k], pos = decode_value(s, pos + 1, depth + 1)
         pos = skip(s, pos)
         local d = s:sub(pos, pos)
         if d == "}" then return t, pos + 1 end
         if d ~= "," then decode_error(s, pos, "expected ',' or '}'") end
         pos = skip(s, pos + 1)
      end
   elseif c == "[" then
      local t, n = {}, 0
      pos = skip(s, pos + 1)
      if s:sub(pos, pos) == "]" then return t, pos + 1 end
      while true do
         n = n + 1
         t[n], pos = decode_value(s, pos, depth + 1)
         pos = skip(s, pos)
         local d = s:sub(pos, pos)
         if d == "]" then return t, pos + 1 end
         if d ~= "," then decode_error(s, pos, "expected ',' or ']'") end
         pos = pos + 1
      end
   elseif c == '"' then
      return decode_string(s, pos)
   elseif s:find("^true", pos) then
      return true, pos + 4
   elseif s:find("^false", pos) then
      return false, pos + 5
   elseif s:find("^null", pos) then
      return null, pos + 4
   else
      return decode_number(s, pos)
   end
end

--- Decodes a JSON text; JSON null becomes parley.null.
-- @tparam string s the JSON
-- @return the value
-- @raise on malformed input, with the position
function json.decode(s)
   local v, pos = decode_value(s, 1, 0)
   pos = skip(s, pos)
   if pos <= #s then decode_error(s, pos, "trailing characters") end
   return v
end

return json
