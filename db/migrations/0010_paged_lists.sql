DROP INDEX "builds_image";--> statement-breakpoint
CREATE INDEX "api_tokens_org_created" ON "api_tokens" USING btree ("org","created_at","id");--> statement-breakpoint
CREATE INDEX "builds_image_started" ON "builds" USING btree ("image_id","started_at","id");--> statement-breakpoint
CREATE INDEX "rebuilds_org_created" ON "rebuilds" USING btree ("org","created_at","id");