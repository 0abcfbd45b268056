ALTER TABLE "rebuild_items" ADD COLUMN "image_id" uuid;--> statement-breakpoint
ALTER TABLE "rebuild_items" ADD COLUMN "generation" integer;--> statement-breakpoint
ALTER TABLE "rebuild_items" ADD COLUMN "inputs_sha256" text;--> statement-breakpoint
CREATE INDEX "rebuild_items_window" ON "rebuild_items" USING btree ("rebuild_id","outcome","inputs_sha256","image_name");