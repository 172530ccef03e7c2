-- SPDX-License-Identifier: MIT
-- parley's vocabulary: every list that several parts of parley (C included) must agree on,
-- written once. Everything else takes these lists from here: the config and finding checks,
-- the schema's CHECK constraints, the report writers, the built-in rules (`values =
-- vocab.SEVERITIES`), and the sandbox in C, which receives them through the options of
-- core.rule_info and core.run_rules. Adding a severity or an evidence kind is one edit here.
--
-- No dependencies, so it sits at the bottom of the layers and a sandboxed rule may require it
-- (it is one of vocab.RULE_MODULES). docs/architecture.md lists what lives where.

local vocab = {}

-- Severities of findings, least severe first.
vocab.SEVERITIES = { "info", "low", "medium", "high", "critical" }

-- severity -> its position in vocab.SEVERITIES (1 = info), for ordering and --fail-on.
vocab.SEVERITY_RANK = {}
for i, s in ipairs(vocab.SEVERITIES) do vocab.SEVERITY_RANK[s] = i end

-- The kinds of record a finding's evidence may name, in the order reports show them.
vocab.EVIDENCE_KINDS = { "claims", "lists", "exchanges", "persons", "sources", "parties" }

-- The kinds of record a dataset holds, in the order they are validated and imported (a kind
-- only refers to kinds before it, except claims and lists to persons through their entries).
vocab.RECORD_KINDS = { "parties", "sources", "persons", "claims", "lists", "exchanges", "identities" }

-- The modules a sandboxed rule may require: pure Lua with no capability beyond what the
-- sandbox gives. The engine reads their text and hands it to the sandbox.
vocab.RULE_MODULES = {
   "parley.vocab", "parley.json", "parley.dates", "parley.text", "parley.record_schema", "parley.records",
   "parley.names", "parley.rulekit", "parley.terms", "parley.people", "parley.mse",
}

-- Each rule's limits unless the config says otherwise (docs/sandbox.md says what each bounds).
vocab.DEFAULT_LIMITS = {
   instructions = 100000000, memory_mb = 64, seconds = 10, findings = 10000, log_lines = 1000,
   temp_mb = 256, evidence_ids = 100000, output_mb = 16,
}

return vocab
