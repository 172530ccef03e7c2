--- parley.yaml: YAML 1.2 (core schema) to Lua values and back, on libyaml.
-- load, load_all and dump are the C functions of parley.core.yaml (see docs/yaml.md);
-- load_file adds the file and the failure convention: nil, message.
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
   local ok, value, marks = pcall(cyaml.load, text, file_options(path, opts))
   if not ok then
      if type(value) == "string" and value:find("^bad option:") then
         error(value, 2) -- misuse, not a bad file
      end
      return nil, tostring(value)
   end
   if opts and opts.marks then
      return value, marks
   end
   return value
end

return {
   load = cyaml.load,
   load_all = cyaml.load_all,
   load_file = load_file,
   dump = cyaml.dump,
   null = core.null,
}
