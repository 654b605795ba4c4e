/* The config blob of a component artifact: component.yaml as JSON, so that
 * a registry or `skopeo inspect --config` shows what the component is. */
#include <jansson.h>

#include "manifest/manifest.h"
#include "store/store.h"

static json_t *strv(const struct uk_strv *sv)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < sv->n; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

static void set_str(json_t *o, const char *key, const char *v)
{
	if (v)
		json_object_set_new(o, key, json_string(v));
}

char *uk_store_component_config(const struct uk_component *c)
{
	json_t *o = json_object(), *archives = json_object();
	char *text = NULL;

	if (!o || !archives)
		goto out;
	json_object_set_new(o, "spec", json_integer(c->spec));
	set_str(o, "name", c->name);
	set_str(o, "version", c->version);
	set_str(o, "description", c->description);
	set_str(o, "entry", c->entry);
	json_object_set_new(o, "include", strv(&c->include));
	json_object_set_new(o, "cflags", strv(&c->cflags));
	json_object_set_new(o, "objects", strv(&c->objects));
	json_object_set_new(archives, "all", strv(&c->archives));
	json_object_set_new(archives, "kvm", strv(&c->archives_kvm));
	json_object_set_new(archives, "xen", strv(&c->archives_xen));
	json_object_set(o, "archives", archives);
	json_object_set_new(o, "keep", strv(&c->keep));
	json_object_set_new(o, "requires", strv(&c->requires));
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
out:
	json_decref(archives);
	json_decref(o);
	return text;
}
