/* SPDX-License-Identifier: MIT */
/* Files without a shell: core.list_dir, the entries of a directory, so parley can find its
 * rule tests and report formats on disk (io.popen("ls") breaks on odd names and where no shell
 * exists); core.path_kind, what a path is without following a final symlink, so an output file
 * is never written through a link that points elsewhere; core.private_dir, a new directory
 * only this user can enter, for temporary files nobody else may swap or read; core.real_path,
 * a path with every symbolic link, "." and ".." resolved, so a config's paths can be held to
 * its directory; core.write_private, a new file only its owner can read; core.write_new, a new
 * file that is never a link planted before it. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "parley.h"

/* The directory handle is owned by a userdata so that an error raised while the list is
 * built (out of memory) still closes it. */
typedef struct { DIR *dir; } DirBox;

static int dirbox_gc(lua_State *L)
{
    DirBox *box = (DirBox *)luaL_checkudata(L, 1, "parley.DirHandle");
    if (box->dir) {
        closedir(box->dir);
        box->dir = NULL;
    }
    return 0;
}

/* core.list_dir(path) -> {{name=, kind="file"|"directory"|"other"}, ...}, in the order the system
 * gives them (callers sort), without "." and ".."; or nil and a message (the path and the system's reason). */
static int l_list_dir(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    DirBox *box = (DirBox *)lua_newuserdatauv(L, sizeof(DirBox), 0);
    struct dirent *e;
    lua_Integer n = 0;
    box->dir = NULL;
    if (luaL_newmetatable(L, "parley.DirHandle")) {
        lua_pushcfunction(L, dirbox_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    box->dir = opendir(path);
    if (!box->dir) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: %s", path, strerror(errno));
        return 2;
    }
    lua_newtable(L);
    while ((e = readdir(box->dir)) != NULL) {
        struct stat st;
        const char *kind = "other";
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        lua_pushfstring(L, "%s/%s", path, e->d_name);
        if (stat(lua_tostring(L, -1), &st) == 0)
            kind = S_ISDIR(st.st_mode) ? "directory" : S_ISREG(st.st_mode) ? "file" : "other";
        lua_pop(L, 1);
        lua_createtable(L, 0, 2);
        lua_pushstring(L, e->d_name);
        lua_setfield(L, -2, "name");
        lua_pushstring(L, kind);
        lua_setfield(L, -2, "kind");
        lua_rawseti(L, -2, ++n);
    }
    closedir(box->dir);
    box->dir = NULL;
    return 1;
}

/* core.path_kind(path) -> "file", "directory", "symlink" or "other"; nil when nothing is there
 * (or it cannot be looked at: nil and the system's reason). */
static int l_path_kind(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    struct stat st;
    if (lstat(path, &st) != 0) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: %s", path, strerror(errno));
        return 2;
    }
    lua_pushstring(L, S_ISLNK(st.st_mode) ? "symlink" : S_ISDIR(st.st_mode) ? "directory"
                      : S_ISREG(st.st_mode) ? "file" : "other");
    return 1;
}

/* Creates each missing directory of path's parent with mode 0700 (like mkdir -p). */
static int make_parents(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

/* Creates path, which must not exist (O_EXCL: never a file or a link already there, so a name
 * someone planted is refused, not followed), with mode (less the umask), and writes data to it
 * whole, synced; removes it on any failure. Pushes true, or nil and "path: the system's reason";
 * returns the number of values pushed. */
static int write_new(lua_State *L, const char *path, const char *data, size_t len, mode_t mode)
{
    size_t done = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: %s", path, strerror(errno));
        return 2;
    }
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = w == 0 ? EIO : errno;
            close(fd);
            unlink(path);
            lua_pushnil(L);
            lua_pushfstring(L, "%s: %s", path, strerror(e));
            return 2;
        }
        done += (size_t)w;
    }
    int synced = fsync(fd) == 0 ? 0 : errno;
    int closed = close(fd) == 0 ? 0 : errno;
    if (synced || closed) {
        int e = synced ? synced : closed;
        unlink(path);
        lua_pushnil(L);
        lua_pushfstring(L, "%s: %s", path, strerror(e));
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* core.write_private(path, data) -> true, or nil and the system's reason: creates a new file
 * readable by its owner only (0600, its missing directories 0700), never replacing one that
 * exists, and writes data to it whole. For secrets such as the key of sharing pseudonyms:
 * io.open would create the file with the umask's permissions, readable by others. */
static int l_write_private(lua_State *L)
{
    size_t len;
    const char *path = luaL_checkstring(L, 1);
    const char *data = luaL_checklstring(L, 2, &len);
    if (make_parents(path) != 0) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: %s", path, strerror(errno));
        return 2;
    }
    return write_new(L, path, data, len, 0600);
}

/* core.write_new(path, data) -> true, or nil and the system's reason: creates a new file with
 * the permissions io.open would give it (0666 less the umask) but only if nothing, not even a
 * dangling link, is at path, and writes data to it whole. parley.files writes an output's
 * temporary this way, so a link planted at the temporary's name is never followed. */
static int l_write_new(lua_State *L)
{
    size_t len;
    const char *path = luaL_checkstring(L, 1);
    const char *data = luaL_checklstring(L, 2, &len);
    return write_new(L, path, data, len, 0666);
}

/* core.private_dir() -> the path of a new directory (mode 0700) under $TMPDIR or /tmp, made by
 * mkdtemp: its name cannot be guessed and taken first, and no other user can create, replace
 * or read a file in it (unlike a name from os.tmpname, removed and then re-created). Or nil and
 * the system's reason. The caller removes it. */
static int l_private_dir(lua_State *L)
{
    const char *base = getenv("TMPDIR");
    luaL_Buffer b;
    char *path;
    if (!base || !*base)
        base = "/tmp";
    path = luaL_buffinitsize(L, &b, strlen(base) + sizeof("/parley-XXXXXX"));
    memcpy(path, base, strlen(base));
    memcpy(path + strlen(base), "/parley-XXXXXX", sizeof("/parley-XXXXXX"));
    if (!mkdtemp(path)) {
        int e = errno;
        lua_pushnil(L);
        lua_pushfstring(L, "cannot make a temporary directory in %s: %s", base, strerror(e));
        return 2;
    }
    luaL_pushresultsize(&b, strlen(path));
    return 1;
}

/* core.real_path(path) -> the absolute path with every link resolved (realpath(3)); or nil and
 * the system's reason (nothing there, a loop of links, ...). */
static int l_real_path(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        int e = errno;
        lua_pushnil(L);
        lua_pushfstring(L, "%s: %s", path, strerror(e));
        return 2;
    }
    lua_pushstring(L, real);
    return 1;
}

int parley_open_fs(lua_State *L)
{
    lua_pushcfunction(L, l_write_private);
    lua_setfield(L, -2, "write_private");
    lua_pushcfunction(L, l_write_new);
    lua_setfield(L, -2, "write_new");
    lua_pushcfunction(L, l_real_path);
    lua_setfield(L, -2, "real_path");
    lua_pushcfunction(L, l_private_dir);
    lua_setfield(L, -2, "private_dir");
    lua_pushcfunction(L, l_list_dir);
    lua_setfield(L, -2, "list_dir");
    lua_pushcfunction(L, l_path_kind);
    lua_setfield(L, -2, "path_kind");
    return 0;
}
