-- An org named only by rows written since 0014 (a resource created while its org was being deleted, or a test's
-- row) gets its organization first, so that the constraints below hold for every existing row.
INSERT INTO "organizations" ("name")
SELECT "org" FROM "base_images"
UNION SELECT "org" FROM "images"
UNION SELECT "org" FROM "rebuilds"
UNION SELECT "org" FROM "rebuild_schedules"
ON CONFLICT DO NOTHING;
--> statement-breakpoint
ALTER TABLE "base_images" ADD CONSTRAINT "base_images_org_organizations_name_fk" FOREIGN KEY ("org") REFERENCES "public"."organizations"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "images" ADD CONSTRAINT "images_org_organizations_name_fk" FOREIGN KEY ("org") REFERENCES "public"."organizations"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rebuild_schedules" ADD CONSTRAINT "rebuild_schedules_org_organizations_name_fk" FOREIGN KEY ("org") REFERENCES "public"."organizations"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rebuilds" ADD CONSTRAINT "rebuilds_org_organizations_name_fk" FOREIGN KEY ("org") REFERENCES "public"."organizations"("name") ON DELETE no action ON UPDATE no action;