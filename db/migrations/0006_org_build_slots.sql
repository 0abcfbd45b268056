CREATE TABLE "org_build_slots" (
	"build_id" uuid PRIMARY KEY NOT NULL,
	"org" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "org_build_slots" ADD CONSTRAINT "org_build_slots_build_id_builds_id_fk" FOREIGN KEY ("build_id") REFERENCES "public"."builds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "org_build_slots_org" ON "org_build_slots" USING btree ("org");