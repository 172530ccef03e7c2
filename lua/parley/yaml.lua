-- SPDX-License-Identifier: MIT
--- parley.yaml: YAML 1.2 (core schema) to Lua values and back, on libyaml.
-- The C functions of parley.core.yaml (see docs/yaml.md) raise on any error; this module
-- gives load, load_all and load_file parley's failure convention: text that is not valid YAML
-- (or a file that cannot be read) is an expected failure and returns nil and a message; misuse
-- (an argument of the wrong type, an unknown or bad option) raises. dump raises: what it is
-- given comes from code, not from input.
local core = require "parley.core"

local cyaml = core.yaml

--- Options for loading the file at path: the caller's, with the path as the error name.
local function file_options(path, opts)
   local copy = { name = path }
   for k, v in pairs(opts or {}) do
      if k ~= "name" then
         copy[k] = v
      end
   end
   return copy
end

--- The whole content of the file at path, or nil and the reason.
local function read_file(path)
   local f, err = io.open(path, "rb")
   if not f then
      return nil, err
   end
   local text, rerr = f:read("a")
   f:close()
   if not text then
      return nil, path .. ": " .. tostring(rerr)
   end
   return text
end

--- Calls one of the C loaders; bad YAML becomes nil and the message, misuse is raised again
-- at the caller's level. The C loaders say "bad option:" and "bad argument" only for misuse.
-- The line of text (1-based), or "".
local function line_of(text, n)
   local i = 0
   for line in (text .. "\n"):gmatch("([^\n]*)\n") do
      i = i + 1
      if i == n then return line end
   end
   return ""
end

-- libyaml's words for the mistakes people make most, with what to do about them. "mapping
-- values are not allowed" is a hint only when the line has a key before the colon libyaml
-- stopped at (text: he said: no); the same words for a badly indented key need no such hint.
local function with_hint(message, text)
   local line, col = message:match(":(%d+):(%d+): mapping values are not allowed in this context")
   if line and type(text) == "string" then
      local before = line_of(text, tonumber(line)):sub(1, tonumber(col) - 1)
      if before:find("^%s*[^%s#][^:]*: ") then
         return message .. " (a plain value cannot contain ': ': quote it, as in text: \"he said: no\")"
      end
   end
   if message:find("found character that cannot start any token", 1, true) then
      local l, c = message:match(":(%d+):(%d+): found character")
      local ch = l and line_of(text or "", tonumber(l)):sub(tonumber(c), tonumber(c))
      if ch == "@" or ch == "`" then
         return message .. " (a value starting with " .. ch .. " must be quoted)"
      end
   end
   return message
end

local function loaded(level, text, ok, ...)
   if ok then return ... end
   local message = tostring((...))
   if message:find("^bad option:") or message:find("^bad argument") then error(message, level + 1) end
   return nil, with_hint(message, text)
end

local function call_loader(loader, level, text, opts)
   return loaded(level + 1, text, pcall(loader, text, opts))
end

--- load(text [, opts]) -> value [, marks] (nil for a stream with no document), or nil and a
-- message ("name:line:col: problem") when the text is not valid YAML.
local function load(text, opts)
   if type(text) ~= "string" then
      error("bad argument #1 to 'load' (string expected, got " .. type(text) .. ")", 2)
   end
   return call_loader(cyaml.load, 2, text, opts)
end

--- load_all(text [, opts]) -> the list of documents [, marks], or nil and a message.
local function load_all(text, opts)
   if type(text) ~= "string" then
      error("bad argument #1 to 'load_all' (string expected, got " .. type(text) .. ")", 2)
   end
   return call_loader(cyaml.load_all, 2, text, opts)
end

--- Loads the single document of the file at path: value [, marks], or nil and a message
-- ("path:line:col: problem") when the file cannot be read or is not valid YAML.
-- Misuse (a path that is not a string, opts that is not a table) raises.
local function load_file(path, opts)
   if type(path) ~= "string" then
      error("bad argument #1 to 'load_file' (string expected, got " .. type(path) .. ")", 2)
   end
   if opts ~= nil and type(opts) ~= "table" then
      error("bad argument #2 to 'load_file' (table expected, got " .. type(opts) .. ")", 2)
   end
   local text, err = read_file(path)
   if not text then
      return nil, err
   end
   local value, marks = call_loader(cyaml.load, 2, text, file_options(path, opts))
   if value == nil and type(marks) == "string" then return nil, marks end
   if opts and opts.marks then
      return value, marks
   end
   return value
end

return {
   load = load,
   load_all = load_all,
   load_file = load_file,
   dump = cyaml.dump,
   null = core.null,
}
