-- SPDX-License-Identifier: MIT
-- The reconciliation engine: reads a config, imports its data, runs each rule in its own
-- sandboxed Lua state (parley.core.run_rules, in C) on parallel threads, and stores the run
-- and its findings (append-only) in the store. See docs/rules.md and docs/sandbox.md.
--
-- engine.reconcile is the data flow, one named step each: load the config, prepare the
-- rules, open the store and import, run the rules, collect the results, store the run, write
-- the reports.

local core = require "parley.core"
local check = require "parley.check"
local config = require "parley.config"
local files = require "parley.files"
local json = require "parley.json"
local people = require "parley.people"
local report = require "parley.report"
local run_class = require "parley.run"
local share = require "parley.share"
local store = require "parley.store"
local vocab = require "parley.vocab"

local engine = {}

local function read_file(path)
   local f, err = io.open(path, "rb")
   if not f then return nil, err end
   local s = f:read("a")
   f:close()
   return s
end

-- The options of core.rule_info and core.run_rules besides the rules themselves: the text of
-- the modules a rule may require, and the vocabulary its findings are checked against. The
-- sandbox has no list of its own: these are parley.vocab's.
function engine.sandbox_options()
   local modules = {}
   for _, name in ipairs(vocab.RULE_MODULES) do
      local path = package.searchpath(name, package.path)
      if path then modules[name] = assert(read_file(path)) end
   end
   return { modules = modules, severities = vocab.SEVERITIES, evidence_kinds = vocab.EVIDENCE_KINDS }
end

-- The rule's source and its chunk name, for a config entry.
local function rule_source(entry)
   local path = entry.script or config.builtin_path(entry.use)
   local src, err = read_file(path)
   if not src then return nil, nil, string.format("cannot read rule %s: %s", path, err) end
   local chunkname = entry.use and ("=parley.rules." .. entry.use) or ("@" .. entry.script)
   return src, chunkname
end

-- What a rule's manifest may declare in `needs`: derived data the engine prepares once per
-- run, before the rules run, for every rule that needs it (docs/rules.md#needs).
engine.NEEDS = {
   -- the resolution of people (parley.people), stored for the rule's parameters threshold and
   -- review (parley.names' defaults when the rule has none)
   people = true,
}

-- The needs a manifest declares (needs_json): a set, or nil and why it is not a valid one.
local function read_needs(needs_json)
   if needs_json == nil then return {} end
   local needs = json.decode(needs_json)
   if type(needs) ~= "table" or (next(needs) ~= nil and #needs == 0) then
      return nil, "needs must be a list of names"
   end
   local set, known = {}, {}
   for name in pairs(engine.NEEDS) do known[#known + 1] = name end
   table.sort(known)
   for _, name in ipairs(needs) do
      if not engine.NEEDS[name] then
         return nil, string.format("needs '%s'; what a rule may need is one of %s", tostring(name),
            table.concat(known, ", "))
      end
      set[name] = true
   end
   return set
end

-- Reads each enabled rule's manifest ({id, version, description, params, needs}) in a sandbox
-- and checks its parameters. Returns the rules to run, and problems (bad configuration).
local function prepare_rules(cfg, sandbox)
   local ctx = check.new_context()
   local rules, seen = {}, {}
   for _, entry in ipairs(cfg.rules) do
      if entry.enabled then
         local rule = { entry = entry, severity = entry.severity }
         local where = { doc = cfg.doc, node = cfg.doc.data.rules, key = entry.index,
            path = string.format("rules[%d]", entry.index) }
         local src, chunkname, err = rule_source(entry)
         if src then
            local info, why = core.rule_info(src, chunkname, cfg.limits, sandbox)
            if info then
               rule.source, rule.chunkname = src, chunkname
               rule.id = entry.id or info.id
               rule.version = info.version
               rule.description = info.description
               local declared = json.decode(info.params_json)
               if declared == json.null then declared = {} end
               rule.declared = declared
               local with_where = { doc = cfg.doc, node = entry.node, key = "with",
                  path = string.format("rules[%d].with", entry.index) }
               rule.params = config.check_params(ctx, declared, entry.with, with_where)
               if info.severity and not vocab.SEVERITY_RANK[info.severity] then
                  ctx:problem(where, string.format("rule %s declares severity '%s'; it must be one of %s",
                     rule.id, info.severity, table.concat(vocab.SEVERITIES, ", ")))
               end
               rule.severity = entry.severity or info.severity or "medium"
               local needs, needs_err = read_needs(info.needs_json)
               if needs then
                  rule.needs = needs
               else
                  ctx:problem(where, string.format("rule %s %s", rule.id, needs_err))
               end
            else
               ctx:problem(where, string.format("rule %s does not load: %s", entry.use or entry.script, why))
            end
         else
            ctx:problem(where, err)
         end
         if rule.id then
            if seen[rule.id] then
               ctx:problem(where, string.format("rule id '%s' is used twice (also by rules[%d]); give one an id:",
                  rule.id, seen[rule.id]))
            end
            seen[rule.id] = entry.index
         end
         rules[#rules + 1] = rule
      end
   end
   return rules, ctx.problems
end

-- The store of a reconciliation: {db, path (what rules open), temporary (a file to remove)}.
local function close_store(st)
   st.db:close()
   if st.temporary then files.remove_private_store(st.temporary) end
end

-- Opens the config's store and imports its data. Rules read the store through connections
-- of their own, so an in-memory store is a temporary file that lasts as long as the run.
local function open_store(cfg)
   local path, temporary = cfg.store, nil
   if path == ":memory:" then
      local private, err = files.private_store()
      if not private then return nil, err end
      path, temporary = private, private
   end
   local db, err = store.open(path)
   if not db then return nil, err end
   local st = { db = db, path = path, temporary = temporary }
   if #cfg.data > 0 then
      local summary, import_err = db:import(cfg.data, { strict = cfg.vocabulary == "strict" })
      if not summary then
         close_store(st)
         return nil, import_err
      end
      st.warnings = summary.warnings
   end
   return st
end

local function utc_now()
   return os.date("!%Y-%m-%dT%H:%M:%SZ")
end

-- A new run on the store, which takes over a temporary store: the run removes it when it is
-- collected, so that it can still be reported from.
local function new_run(cfg, st)
   local run = run_class.new({
      config_name = cfg.name, config_sha256 = core.sha256(cfg.text or cfg.name), started_at = utc_now(),
      store = cfg.store, findings = {}, outcomes = {}, rules = {}, temporary = st.temporary,
   })
   st.temporary = nil
   -- the imports the run reads: 1 to this one (none yet: 0)
   local last = st.db:first("SELECT max(id) AS id FROM imports")
   run.imports = last and last.id or 0
   return run
end

-- What the rules need, prepared once before they run: the resolution of people for each
-- distinct parameter set the rules that need it ask for, stored (the rules' connections read
-- it) and recorded on the run ({id, scope} each, run.resolutions). A resolution that cannot be
-- stored (a full disk) is a warning of the run: the rules then resolve in their own sandboxes.
local function prepare_needs(rules, st, run)
   local scopes, order = {}, {}
   for _, r in ipairs(rules) do
      if r.source and r.needs and r.needs.people then
         local params = { threshold = r.params and r.params.threshold, review = r.params and r.params.review }
         local scope = people.scope(params)
         if not scopes[scope] then
            scopes[scope] = params
            order[#order + 1] = scope
         end
      end
   end
   run.resolutions = {}
   for _, scope in ipairs(order) do
      -- stored by a run before, and current: recorded as it is, not resolved again
      local current = people.current_stored(st.db, scopes[scope])
      local resolution = current and { stored = current } or people.resolution(st.db, scopes[scope])
      if resolution.stored then
         run.resolutions[#run.resolutions + 1] = { id = resolution.stored, scope = scope }
      else
         run.warnings[#run.warnings + 1] = string.format("%s: cannot store the resolution of people for %s (%s): " ..
            "each rule that needs it resolves on its own", st.path, scope, resolution.store_error or "read-only")
      end
   end
end

-- Runs the rules that loaded, each in a sandbox state of its own, on threads; returns them
-- and their results, in the same order. prepare (a function) makes what rules need (their
-- `needs`): it runs on the caller's thread while the rules that need nothing run on the other
-- threads (at 100,000 claims the resolution of people takes a fifth of all the rules' time),
-- and the rules that need something start once it has returned.
local function run_rules(rules, st, cfg, sandbox, threads, prepare)
   local jobs, runnable, waiting = {}, {}, {}
   for _, r in ipairs(rules) do
      if r.source then
         local job = {
            rule_id = r.id, source = r.source, chunkname = r.chunkname, store = st.path,
            params_json = json.encode(r.params or {}), severity = r.severity, limits = cfg.limits,
         }
         if r.needs and next(r.needs) then
            waiting[#waiting + 1] = { rule = r, job = job }
         else
            runnable[#runnable + 1] = r
            jobs[#jobs + 1] = job
         end
      end
   end
   local ready = #jobs
   for _, w in ipairs(waiting) do
      runnable[#runnable + 1] = w.rule
      jobs[#jobs + 1] = w.job
   end
   if #jobs == 0 then
      prepare()
      return runnable, {}
   end
   local opts = { threads = threads, modules = sandbox.modules, severities = sandbox.severities,
      evidence_kinds = sandbox.evidence_kinds, meanwhile = prepare, ready = ready }
   return runnable, core.run_rules(jobs, opts)
end

local function finding_order(a, b)
   local ra, rb = vocab.SEVERITY_RANK[a.severity], vocab.SEVERITY_RANK[b.severity]
   if ra ~= rb then return ra > rb end
   if a.rule ~= b.rule then return a.rule < b.rule end
   if a.fingerprint ~= b.fingerprint then return a.fingerprint < b.fingerprint end
   return a.message < b.message
end

-- A finding as the sandbox returns it ({severity, message, evidence_json, measures_json,
-- details_json, fingerprint}), with its rule and its JSON decoded once for the run in memory;
-- the texts stay for run:save.
local function decode_finding(f, rule)
   f.rule, f.rule_version = rule.id, rule.version
   f.evidence = json.decode(f.evidence_json)
   f.measures = json.decode(f.measures_json)
   f.details = f.details_json and json.decode(f.details_json) or nil
   return f
end

local function outcome_of(rule, res)
   local outcome = {
      rule = rule.id, version = rule.version, description = rule.description, total = res.total or 0,
      truncated = res.truncated or false, seconds = res.seconds, limit = res.limit, log = res.log or {},
   }
   if res.outcome ~= "ok" then
      outcome.outcome, outcome.error = "error", res.error
   else
      outcome.outcome = (res.total or 0) > 0 and "findings" or "pass"
   end
   return outcome
end

-- A rule's findings, decoded; nil and why when one cannot be stored as it is (the store's
-- checks on a finding's columns), so that only that rule fails, not the whole run.
local function take_findings(res, rule)
   local ok, taken = pcall(function()
      local out = {}
      for i, f in ipairs(res.findings or {}) do
         if not vocab.SEVERITY_RANK[f.severity] then error("finding " .. i .. ": unknown severity", 0) end
         for _, k in ipairs({ "message", "fingerprint", "evidence_json", "measures_json" }) do
            if type(f[k]) ~= "string" then error("finding " .. i .. ": " .. k .. " is not a string", 0) end
         end
         out[i] = decode_finding(f, rule)
      end
      return out
   end)
   if ok then return taken end
   return nil, tostring(taken)
end

-- Puts each rule's outcome and findings into the run, sorted, and the run's status.
local function collect_results(run, runnable, results)
   for i, res in ipairs(results) do
      local r = runnable[i]
      local taken, why = take_findings(res, r)
      if not taken then
         res = { outcome = "error", error = "its findings cannot be stored: " .. why, total = res.total,
            log = res.log, seconds = res.seconds, limit = res.limit }
         taken = {}
      end
      for _, f in ipairs(taken) do run.findings[#run.findings + 1] = f end
      run.outcomes[#run.outcomes + 1] = outcome_of(r, res)
      run.rules[r.id] = { version = r.version, description = r.description }
   end
   table.sort(run.findings, finding_order)
   table.sort(run.outcomes, function(a, b) return a.rule < b.rule end)
   run.finished_at = utc_now()
   run.status = (run:counts().outcomes.error or 0) > 0 and "failed" or "ok"
end

local function write_reports(run, reports, db, policy)
   for _, rep in ipairs(reports) do
      local wrote, err = report.write(run, rep.format, rep.path, { db = db, share = policy })
      if not wrote then return nil, err end
   end
   return true
end

-- Stores the run (unless store_run is false), then writes the reports the config asks for
-- (they may read the store).
local function store_and_report(run, reports, db, policy, store_run)
   if store_run ~= false then
      local saved, err = run:save(db)
      if not saved then return nil, "cannot store the run: " .. tostring(err) end
   end
   return write_reports(run, reports, db, policy)
end

-- The sharing policy of a run's reports: the caller's (opts.share, opts.share_key) over the
-- config's `share:`; its key is read (or created) now, so that a policy that cannot be applied
-- is an input error before any rule runs, not a failure after the run is stored.
local function sharing_policy(cfg, opts)
   local policy, err = share.policy(opts.share or cfg.share, { key_file = opts.share_key })
   if not policy then return nil, err end
   if not share.keeps_all(policy) then
      local ok, kerr = share.sharer(policy, nil)
      if not ok then return nil, kerr end
   end
   return policy
end

-- parley.reconcile(config, opts): opts.jobs (threads; default: the number of cores),
-- opts.base (for a table config), opts.share (a sharing level or policy for the reports,
-- docs/sharing.md) and opts.share_key (its key file), opts.store_run (false: run and report
-- without recording the run; it has no id, and its history is since the latest stored run of
-- the config), opts.root (the directory its reports give dataset paths relative to: the SARIF
-- report's %SRCROOT%; default the working directory). Returns the run (run.warnings: the
-- import's, each "file:line:col: message"), or nil, a message, and a kind:
-- "input" (bad configuration or data: exit 3) or "failed" (exit 2).
function engine.reconcile(source, opts)
   opts = opts or {}
   local cfg, err, problems, partial = config.load(source, opts)
   local sandbox = engine.sandbox_options()
   if not cfg then
      -- the parameters of the rule entries that are valid are checked in the same pass
      if partial and problems then
         local _, rule_problems = prepare_rules(partial, sandbox)
         if #rule_problems > 0 then
            table.move(rule_problems, 1, #rule_problems, #problems + 1, problems)
            err = check.format_problems(problems)
         end
      end
      return nil, err, "input", problems
   end
   local rules, rule_problems = prepare_rules(cfg, sandbox)
   if #rule_problems > 0 then return nil, check.format_problems(rule_problems), "input", rule_problems end
   local policy, share_err = sharing_policy(cfg, opts)
   if not policy then return nil, share_err, "input" end
   local st, open_err = open_store(cfg)
   if not st then return nil, open_err, "input" end
   local run = new_run(cfg, st)
   run.share = policy -- run:report writes under it unless told otherwise
   run.root = opts.root -- and gives dataset paths relative to it (the SARIF report's %SRCROOT%)
   run.warnings = st.warnings or {} -- what importing the data had to say (docs/dataset.md#vocabulary)
   collect_results(run, run_rules(rules, st, cfg, sandbox, opts.jobs or core.cpu_count(),
      function() prepare_needs(rules, st, run) end))
   local done, fail_err = store_and_report(run, cfg.report, st.db, policy, opts.store_run)
   close_store(st)
   if not done then return nil, fail_err, "failed" end
   return run
end

return engine
