/* Files without a shell: core.list_dir, the entries of a directory, so parley can find its
 * rule tests and report formats on disk (io.popen("ls") breaks on odd names and where no shell
 * exists); core.path_kind, what a path is without following a final symlink, so an output file
 * is never written through a link that points elsewhere. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

/* core.write_private(path, data) -> true, or nil and the system's reason: creates a new file
 * readable by its owner only (0600, its missing directories 0700), never replacing one that
 * exists, and writes data to it whole. For secrets such as the key of sharing pseudonyms:
 * io.open would create the file with the umask's permissions, readable by others. */
static int l_write_private(lua_State *L)
{
    size_t len;
    const char *path = luaL_checkstring(L, 1);
    const char *data = luaL_checklstring(L, 2, &len);
    int fd;
    if (make_parents(path) != 0 ||
        (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: %s", path, strerror(errno));
        return 2;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = errno;
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

int parley_open_fs(lua_State *L)
{
    lua_pushcfunction(L, l_write_private);
    lua_setfield(L, -2, "write_private");
    lua_pushcfunction(L, l_list_dir);
    lua_setfield(L, -2, "list_dir");
    lua_pushcfunction(L, l_path_kind);
    lua_setfield(L, -2, "path_kind");
    return 0;
}
