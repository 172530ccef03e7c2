/* SPDX-License-Identifier: MIT */
/* One line per C concern: PARLEY_MODULE(x) calls parley_open_x(L) from luaopen_parley_core. */
PARLEY_MODULE(store)
PARLEY_MODULE(sha256)
PARLEY_MODULE(digest)
PARLEY_MODULE(text_script)
PARLEY_MODULE(check_fast)
PARLEY_MODULE(yaml)
PARLEY_MODULE(sandbox_info)
PARLEY_MODULE(sandbox_run)
PARLEY_MODULE(names)
PARLEY_MODULE(fs)
PARLEY_MODULE(table_csv)
PARLEY_MODULE(table_xlsx)
